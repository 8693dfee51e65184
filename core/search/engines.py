"""The two search engines behind one interface: SQLite FTS5 (embedded default) and PostgreSQL full text.

Both index the same syllables (`core.search.text.indexed_forms`) twice: as written (exact mode) and folded
(accent-insensitive mode). The forms are made in Python with whole-string operations that run in C, so the
two engines agree with each other and with the query parser. SQLite keeps them in the FTS5 table
`search_fts`, a row per passage; PostgreSQL in the `tsv_exact` and `tsv_folded` columns of
`search_passages`, written with the row.
"""

from __future__ import annotations

from typing import Any, Protocol, cast

from sqlalchemy import ColumnElement, Select, Table, bindparam, column, delete, func, insert, literal_column, select
from sqlalchemy import table as table_clause
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session

from core.search.text import Query, indexed_forms
from core.tables import SearchPassage

PASSAGES = cast(Table, SearchPassage.__table__)
"""The table itself: Core executemany, without the ORM's bookkeeping per row."""
FTS = table_clause("search_fts", column("rowid"), column("text"), column("folded"))
"""SQLite's FTS5 table (made by the migration): `rowid` is the passage id."""


class SearchEngine(Protocol):
    def insert(self, session: Session, rows: list[dict[str, Any]]) -> None:
        """Write and index passage rows (the columns of `search_passages` but `id`): the whole, new content
        of one recording's source, whose old passages `remove` and a delete have just taken away."""

    def remove(self, session: Session, ids: list[int]) -> None:
        """Forget passages about to be deleted."""

    def clear(self, session: Session) -> None:
        """Forget every passage."""

    def matches(self, query: Query) -> Select[Any]:
        """`id` (the passage) and `score` (lower first) of the passages that match; filters go on `SearchPassage`."""


class SqliteFts5:
    def insert(self, session: Session, rows: list[dict[str, Any]]) -> None:
        session.execute(insert(PASSAGES), rows)
        recording_id, source = rows[0]["recording_id"], rows[0]["source"]
        written = session.execute(
            select(PASSAGES.c.id, PASSAGES.c.text).where(
                PASSAGES.c.recording_id == recording_id, PASSAGES.c.source == source
            )
        )
        fts_rows = []
        for passage_id, text in written:
            exact, folded = indexed_forms(text)
            fts_rows.append({"rowid": passage_id, "text": exact, "folded": folded})
        session.execute(insert(FTS), fts_rows)

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


_PG_INSERT = sql_text(
    'INSERT INTO search_passages (recording_id, source, version, segment_id, start, "end", speaker, speaker_key, '
    "text, word_times, tsv_exact, tsv_folded) VALUES (:recording_id, :source, :version, :segment_id, :start, :end, "
    ":speaker, :speaker_key, :text, :word_times, to_tsvector('simple'::regconfig, :exact), "
    "to_tsvector('simple'::regconfig, :folded))"
)


class PostgresFullText:
    """`tsv_exact` and `tsv_folded` are GIN-indexed tsvector columns of `search_passages` (migration 0011)."""

    def insert(self, session: Session, rows: list[dict[str, Any]]) -> None:
        params = []
        for row in rows:
            exact, folded = indexed_forms(row["text"])
            params.append({**row, "exact": exact, "folded": folded})
        session.execute(_PG_INSERT, params)

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
