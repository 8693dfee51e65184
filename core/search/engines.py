"""The two search engines behind one interface: SQLite FTS5 (embedded default) and PostgreSQL full text.

Both index the same syllables (`core.search.text`) twice: as written (exact mode) and folded
(accent-insensitive mode). SQLite keeps them in the FTS5 table `search_fts`, written here next
to each passage row; PostgreSQL computes them in generated `tsvector` columns of
`search_passages` (folded with `unaccent`), so writing the row is all it needs.
"""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import ColumnElement, Select, bindparam, column, delete, func, insert, literal_column, select, table
from sqlalchemy.orm import Session

from core.search.text import Query, exact, fold, tokens
from core.tables import SearchPassage

FTS = table("search_fts", column("rowid"), column("text"), column("folded"))
"""SQLite's FTS5 table (made by the migration): `rowid` is the passage id."""


class SearchEngine(Protocol):
    def add(self, session: Session, recording_id: str, source: str) -> None:
        """Index the passages just written of the recording's `source`."""

    def remove(self, session: Session, ids: list[int]) -> None:
        """Forget passages about to be deleted."""

    def clear(self, session: Session) -> None:
        """Forget every passage."""

    def matches(self, query: Query) -> Select[Any]:
        """`id` (the passage) and `score` (lower first) of the passages that match; filters go on `SearchPassage`."""


class SqliteFts5:
    def add(self, session: Session, recording_id: str, source: str) -> None:
        written = session.execute(
            select(SearchPassage.id, SearchPassage.text).where(
                SearchPassage.recording_id == recording_id, SearchPassage.source == source
            )
        )
        rows = []
        for passage_id, text in written:
            syllables = [t.group() for t in tokens(text)]
            exact_text = " ".join(exact(s) for s in syllables)
            rows.append({"rowid": passage_id, "text": exact_text, "folded": " ".join(fold(s) for s in syllables)})
        session.execute(insert(FTS), rows)

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


class PostgresFullText:
    """`tsv_exact` and `tsv_folded` are generated columns (GIN-indexed) of `search_passages`."""

    def add(self, session: Session, recording_id: str, source: str) -> None:
        return None  # the database computes the tsvectors as the rows are written

    def remove(self, session: Session, ids: list[int]) -> None:
        return None

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
