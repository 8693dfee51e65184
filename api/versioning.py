"""The HTTP rules every versioned document of a recording follows (its transcript, its minutes).

`ETag: "v<N>"` on reads, `If-None-Match` answered 304; a save must name the version it was made
from in `If-Match` (428 without it, 412 when another save came first, with the current version in
the problem and its `ETag`), so nothing is overwritten silently. The storage behind it is
`core.versioned.VersionedDocuments`; the routers only add their document's own endpoints.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Header, Path, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from api.deps import Principal
from api.problems import PreconditionFailedError, PreconditionRequiredError
from api.schemas import MAX_INT, VersionSummary
from core.audit import record
from core.errors import ConflictError
from core.text import strip_diacritics
from core.versioned import VersionedDocuments

VersionNumber = Annotated[int, Path(ge=1, le=MAX_INT)]
IfMatch = Annotated[str | None, Header(max_length=1000, description='Phiên bản đã sửa, ví dụ "v3"')]
IfNoneMatch = Annotated[str | None, Header(max_length=1000)]


def etag(version: int) -> str:
    return f'"v{version}"'


def matches(if_match: str, current: int) -> bool:
    """RFC 9110 If-Match: `*` matches any current version; otherwise a strong `"v<N>"` of the current one."""
    tags = [t.strip() for t in if_match.split(",")]
    if "*" in tags:
        return current > 0
    return etag(current) in tags


def stale(store: VersionedDocuments[Any], current: int, message: str | None = None) -> PreconditionFailedError:
    """412 with the version the client must reload."""
    message = message or (
        f"{store.noun} đã được lưu thành phiên bản {current} sau khi bạn mở; hãy tải lại rồi sửa tiếp "
        f"(the {store.english} changed since you loaded it)"
    )
    return PreconditionFailedError(
        message, extra={"current_version": current}, headers={"ETag": etag(current)} if current else None
    )


def current_number(store: VersionedDocuments[Any], db: Session, recording_id: str) -> int:
    head = store.head_of(db, recording_id)
    return head.version if head else 0


def _required(current: int) -> PreconditionRequiredError:
    return PreconditionRequiredError(
        'cần tiêu đề If-Match với phiên bản đã sửa, ví dụ If-Match: "v3" (If-Match is required)',
        extra={"current_version": current},
    )


def check_current(store: VersionedDocuments[Any], db: Session, recording_id: str, if_match: str | None) -> int:
    """The version a save replaces: the current one, which `if_match` must name (428 without it, 412 when stale)."""
    current = current_number(store, db, recording_id)
    if if_match is None:
        raise _required(current)
    if not matches(if_match, current):
        raise stale(store, current)
    return current


def check_sent(store: VersionedDocuments[Any], db: Session, recording_id: str, if_match: str | None) -> int | None:
    """As `check_current` when `if_match` is sent; None (a save on whatever is current) when not, as a restore."""
    return None if if_match is None else check_current(store, db, recording_id, if_match)


def check_new(store: VersionedDocuments[Any], db: Session, recording_id: str, if_match: str | None) -> int:
    """The version a generation replaces: none (0) without `if_match`, which is refused (428) once the document
    exists, so a document is never replaced unknowingly; with it, as `check_current`."""
    if if_match is not None:
        return check_current(store, db, recording_id, if_match)
    current = current_number(store, db, recording_id)
    if current:
        raise _required(current)
    return 0


def save(
    store: VersionedDocuments[Any],
    db: Session,
    principal: Principal,
    recording_id: str,
    document: BaseModel,
    *,
    base: int | None,
    comment: str,
    action: str,
    columns: dict[str, object] | None = None,
    **detail: object,
) -> Any:
    """Store the next version on top of version `base` (from `check_current` or `check_new`, checked before the
    work; None: on whatever is current, as in a restore without `If-Match`), audit it as `action` with `detail`,
    commit, and return the stored version row. 412 when another save came first.

    `columns`: more columns of the version row (the minutes' transcript version)."""
    try:
        version = store.save(
            db,
            recording_id,
            document,
            author=principal.name,
            comment=comment,
            expected_version=base,
            **(columns or {}),
        )
    except ConflictError as exc:  # another save committed since the check
        raise stale(store, current_number(store, db, recording_id), exc.message) from exc
    record(db, principal.name, action, f"recording:{recording_id}", version=version, **detail)
    db.commit()
    return store.row(db, recording_id, version)


def not_modified(version: int, if_none_match: str | None, response: Response) -> Response | None:
    """Set the read's `ETag`; a 304 response when the client already has this version."""
    headers = {"ETag": etag(version), "Cache-Control": "no-cache"}
    if if_none_match is not None and etag(version) in [t.strip() for t in if_none_match.split(",")]:
        return Response(status_code=304, headers=headers)
    response.headers.update(headers)
    return None


def history(
    store: VersionedDocuments[Any], db: Session, recording_id: str, *, limit: int, offset: int
) -> list[VersionSummary]:
    """Version summaries, newest first."""
    current, rows = store.history(db, recording_id, limit=limit, offset=offset)
    return [
        VersionSummary(
            version=r.version, author=r.author, comment=r.comment, created_at=r.created_at, current=r.version == current
        )
        for r in rows
    ]


def attachment(stem: str, extension: str) -> str:
    """`Content-Disposition` of a download: an ASCII name for old clients and the Vietnamese one (RFC 6266)."""
    ascii_stem = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in strip_diacritics(stem))
    return f"attachment; filename=\"{ascii_stem}.{extension}\"; filename*=UTF-8''{quote(f'{stem}.{extension}')}"
