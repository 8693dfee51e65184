"""The two search engines behind one interface: SQLite FTS5 (embedded default) and PostgreSQL full text.

Both index the same syllables (`core.search.text.indexed_forms`) twice: as written (exact mode) and folded
(accent-insensitive mode). The forms are made once in Python (`core.search.index.replace`), so the two
engines agree with each other and with the query parser. SQLite keeps them in the FTS5 table
`search_fts`, a row per passage; PostgreSQL in the `tsv_exact` and `tsv_folded` columns of
`search_passages`, written with the row.
"""

from __future__ import annotations

from typing import Any, NamedTuple, Protocol

from sqlalchemy import ColumnElement, Select, bindparam, column, delete, func, literal_column, select
from sqlalchemy import table as table_clause
from sqlalchemy.orm import Session

from core.search.text import Query
from core.tables import SearchPassage

FTS = table_clause("search_fts", column("rowid"), column("text"), column("folded"))
"""SQLite's FTS5 table (made by the migration): `rowid` is the passage id."""


class PassageRow(NamedTuple):
    """A row of `search_passages` but its `id`, in the table's column order, then the passage's syllables as the
    engines index them (`core.search.text.indexed_forms`): a tuple, so that it goes to the driver's executemany
    as it is, with no statement compiled or parameter processed per row."""

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
    exact: str
    folded: str


_COLUMNS = 'recording_id, source, version, segment_id, start, "end", speaker, speaker_key, text, word_times'


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
            f"INSERT INTO search_passages (id, {_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(first + i, *row[:-2]) for i, row in enumerate(rows)],
        )
        connection.exec_driver_sql(
            "INSERT INTO search_fts (rowid, text, folded) VALUES (?, ?, ?)",
            [(first + i, row.exact, row.folded) for i, row in enumerate(rows)],
        )

    def remove(self, session: Session, ids: list[int]) -> None:
        session.execute(delete(FTS).where(FTS.c.rowid.in_(ids)))

    def clear(self, session: Session) -> None:
        session.execute(delete(FTS))

    def matches(self, query: Query) -> Select[Any]:
        """bm25 on the column the mode compares: phrases quoted, all required."""
        target, weights = ("text", (1.0, 0.0)) if query.accents else ("folded", (0.0, 1.0))
        expression = f"{target} : ({' AND '.join(_quoted(p) for p in query.phrases)})"
        score = func.bm25(literal_column("search_fts"), *weights)
        return (
            select(FTS.c.rowid.label("id"), score.label("score"))  # FTS5 walks its own rowids in either order
            .select_from(FTS)
            .join(SearchPassage, SearchPassage.id == FTS.c.rowid)
            .where(literal_column("search_fts").op("MATCH")(bindparam("fts_query", expression)))
        )


_PG_INSERT = (
    f"INSERT INTO search_passages ({_COLUMNS}, tsv_exact, tsv_folded) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, "
    "%s, to_tsvector('simple'::regconfig, %s), to_tsvector('simple'::regconfig, %s))"
)


class PostgresFullText:
    """`tsv_exact` and `tsv_folded` are GIN-indexed tsvector columns of `search_passages` (migration 0011)."""

    def insert(self, session: Session, rows: list[PassageRow]) -> None:
        """psycopg's executemany: one pipeline of the prepared statement, no round trip per row."""
        session.connection().exec_driver_sql(_PG_INSERT, rows)

    def remove(self, session: Session, ids: list[int]) -> None:
        return None  # the tsvectors go with their rows

    def clear(self, session: Session) -> None:
        return None

    def matches(self, query: Query) -> Select[Any]:
        """ts_rank_cd (cover density: adjacent syllables rank higher) on the mode's tsvector, divided by the
        passage's length (normalisation 2, as bm25 favours the short passage that is about the words; chosen on
        the benchmark's development queries)."""
        vector: ColumnElement[Any] = literal_column(
            "search_passages.tsv_exact" if query.accents else "search_passages.tsv_folded"
        )
        expression = " & ".join(f"({' <-> '.join(p)})" for p in query.phrases)
        tsquery = func.to_tsquery(literal_column("'simple'::regconfig"), bindparam("ts_query", expression))
        return select(SearchPassage.id.label("id"), (-func.ts_rank_cd(vector, tsquery, 2)).label("score")).where(
            vector.op("@@")(tsquery)
        )


def _quoted(phrase: tuple[str, ...]) -> str:
    """A phrase as an FTS5 string: syllables are letters and digits only, so nothing needs escaping."""
    return '"' + " ".join(phrase) + '"'


def engine_for(session: Session) -> SearchEngine:
    """The engine of the session's database."""
    dialect = session.get_bind().dialect.name
    return PostgresFullText() if dialect == "postgresql" else SqliteFts5()
