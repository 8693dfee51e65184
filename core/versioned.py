"""Versioned documents of a recording (its transcript, its minutes): immutable versions, optimistic concurrency.

Every save is a new immutable version. A writer names the version it edited (the API's
`If-Match`); the document's counter moves with a conditional update, so of two clerks saving on
the same version exactly one wins and the other is told, and nothing is overwritten silently.
One `VersionedDocuments` per kind of document binds its two tables and its pydantic schema, and
how its text is searched: the search index is rewritten in the transaction that saves a version.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.errors import ConflictError, NotFoundError
from core.search.engines import PassageRow
from core.search.index import Passage, passage_rows, replace

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class VersionedDocuments(Generic[M]):
    """`head`: the table with one row per recording (`id`, `recording_id`, `version`, `updated_at`);
    `versions`: one row per version (`version`, `document`, `author`, `comment`, `created_at` and the
    foreign key named `parent`); `schema`: what `document` holds as JSON."""

    head: Any
    versions: Any
    parent: str
    schema: type[M]
    noun: str
    """Vietnamese name of the document in messages ("bản gỡ băng")."""
    english: str
    """English name, also the `source` of its passages in the search index."""
    passages: Callable[[M], list[Passage]] | None = None
    """The searchable passages of a document; None: not searched."""

    def head_of(self, session: Session, recording_id: str) -> Any | None:
        return session.scalar(select(self.head).where(self.head.recording_id == recording_id))

    def save(
        self,
        session: Session,
        recording_id: str,
        document: M,
        *,
        author: str,
        comment: str = "",
        expected_version: int | None = None,
        **extra: object,
    ) -> int:
        """Store `document` as the next version and return its number; `extra`: more columns of the version row.

        `expected_version`: the version the writer started from; a different current version raises `ConflictError`.
        """
        head = self.head_of(session, recording_id)
        if head is None and expected_version not in (None, 0):
            raise ConflictError(f"{self.noun} chưa có phiên bản {expected_version} (no such version)")
        # before the first write: concurrent saves overlap this work (SQLite has one writer at a time)
        assumed = expected_version if expected_version is not None else (head.version if head else 0)
        stored = document.model_dump_json()
        rows = self._passage_rows(recording_id, assumed + 1, document)
        if head is None:
            head = self._create_head(session, recording_id)
        current = head.version if expected_version is None else expected_version
        if rows is not None and current != assumed:  # another writer's first save came first
            rows = [row._replace(version=current + 1) for row in rows]
        moved = session.execute(
            update(self.head)
            .where(self.head.id == head.id, self.head.version == current)
            .values(version=current + 1, updated_at=datetime.now(UTC))
        )
        if getattr(moved, "rowcount", 0) != 1:
            session.rollback()
            raise ConflictError(
                f"{self.noun} đã được người khác sửa (phiên bản hiện tại khác {current}); tải lại rồi sửa tiếp "
                f"(the {self.english} changed since you loaded it)"
            )
        session.add(
            self.versions(
                **{self.parent: head.id},
                version=current + 1,
                document=stored,
                author=author,
                comment=comment,
                **extra,
            )
        )
        session.flush()
        if rows is not None:
            replace(session, recording_id, self.english, rows)
        return current + 1

    def _passage_rows(self, recording_id: str, version: int, document: M) -> list[PassageRow] | None:
        """The search index's rows for the document (None: not searched)."""
        if self.passages is None:
            return None
        return passage_rows(recording_id, self.english, version, self.passages(document))

    def _create_head(self, session: Session, recording_id: str) -> Any:
        """The document's head row at version 0; when another writer created it first (two first saves at
        once), theirs, so that the version check below tells this writer instead of a database error."""
        try:
            with session.begin_nested():
                head = self.head(recording_id=recording_id, version=0)
                session.add(head)
            return head
        except IntegrityError:
            theirs = self.head_of(session, recording_id)
            if theirs is None:
                raise
            return theirs

    def reindex(self, session: Session) -> int:
        """Index the current version of every document again (after `core.search.index.clear`); returns the
        number of passages."""
        if self.passages is None:
            return 0
        current = session.execute(
            select(self.head.recording_id, self.versions.version, self.versions.document).join(
                self.head,
                (self.head.id == getattr(self.versions, self.parent)) & (self.head.version == self.versions.version),
            )
        )
        count = 0
        for recording_id, version, document in current:
            rows = self._passage_rows(recording_id, version, self.schema.model_validate_json(document)) or []
            replace(session, recording_id, self.english, rows)
            count += len(rows)
        return count

    def row(self, session: Session, recording_id: str, version: int | None = None) -> Any:
        """A stored version row (the current one when `version` is None); `NotFoundError` if there is none."""
        head = self.head_of(session, recording_id)
        number = version if version is not None else (head.version if head else 0)
        found = (
            session.scalar(
                select(self.versions).where(
                    getattr(self.versions, self.parent) == head.id, self.versions.version == number
                )
            )
            if head is not None and number > 0
            else None
        )
        if found is None:
            what = f"phiên bản {number} của {self.noun}" if version is not None else self.noun
            raise NotFoundError(f"bản ghi này chưa có {what} (no such {self.english} version)")
        return found

    def current(self, session: Session, recording_id: str) -> tuple[int, M]:
        """The current version number and document; `NotFoundError` if there is none yet."""
        row = self.row(session, recording_id)
        return row.version, self.schema.model_validate_json(row.document)

    def history(self, session: Session, recording_id: str, *, limit: int, offset: int) -> tuple[int, list[Any]]:
        """The current version number and version rows, newest first."""
        head = self.head_of(session, recording_id)
        if head is None:
            return 0, []
        rows = session.scalars(
            select(self.versions)
            .where(getattr(self.versions, self.parent) == head.id)
            .order_by(self.versions.version.desc())
            .limit(limit)
            .offset(offset)
        ).all()
        return head.version, list(rows)
