"""The routes every versioned document of a recording has, written once and mounted for transcripts and minutes.

Read the current version (ETag, 304), save with `If-Match`, list the history, read one version, restore
one and export one as a file, by the HTTP rules of `api.versioning`. Each document's router adds its own
routes (the transcript's diff, the minutes' generation) and saves through `VersionedRoutes.save`.
"""

# No `from __future__ import annotations`: the routes below are defined per document, and FastAPI must see
# their annotations (the document's own models) as objects, not as names it would look up in this module.

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from api import versioning
from api.access import visible_recording
from api.deps import DbSession, Principal, TranscriptsEditor, TranscriptsReader
from api.schemas import MAX_INT, VersionSummary
from api.versioning import IfMatch, IfNoneMatch, VersionNumber, etag
from core.audit import record
from core.tables import Recording
from core.versioned import VersionedDocuments


@dataclass(frozen=True)
class VersionedRoutes:
    """One versioned document type as the API serves it."""

    store: VersionedDocuments[Any]
    name: str
    """`transcript` or `minutes`: names the routes, the audit actions (`transcript.save`, …) and the field of
    the answer (`out_model`) and of a save's body that holds the document."""
    out_model: type[BaseModel]
    """One version: `recording_id`, `version`, `author`, `comment`, `created_at`, the document, and the
    `carried` columns."""
    carried: tuple[str, ...] = ()
    """Columns of a version row that a new version takes over from the one it replaces or restores (the
    minutes' transcript version)."""

    def out(self, recording_id: str, row: Any) -> Any:
        """The answer for one stored version."""
        return self.out_model.model_validate(
            {
                "recording_id": recording_id,
                "version": row.version,
                "author": row.author,
                "comment": row.comment,
                "created_at": row.created_at,
                self.name: self.store.schema.model_validate_json(row.document),
                **self._columns_of(row),
            }
        )

    def save(
        self,
        db: Session,
        principal: Principal,
        recording_id: str,
        document: BaseModel,
        response: Response,
        *,
        base: int | None,
        comment: str,
        action: str,
        columns: dict[str, object] | None = None,
        **detail: object,
    ) -> Any:
        """Store `document` as the next version on top of `base` (see `versioning.save`) and answer it with its ETag."""
        row = versioning.save(
            self.store,
            db,
            principal,
            recording_id,
            document,
            base=base,
            comment=comment,
            action=f"{self.name}.{action}",
            columns=columns,
            **detail,
        )
        response.headers["ETag"] = etag(row.version)
        return self.out(recording_id, row)

    def _columns_of(self, row: Any) -> dict[str, object]:
        return {column: getattr(row, column) for column in self.carried}

    def mount(self, router: APIRouter, base: str, *, edit_model: type[BaseModel]) -> None:
        """Add the shared routes under `base`; `edit_model` carries the document in the field `self.name` and a
        `comment`."""
        store, name, out_model = self.store, self.name, self.out_model

        def get_current(
            recording_id: str,
            response: Response,
            db: DbSession,
            principal: TranscriptsReader,
            if_none_match: IfNoneMatch = None,
        ) -> Any:
            """The current version; its `ETag` (`"v<N>"`) goes back in `If-Match` when saving."""
            visible_recording(db, principal, recording_id)
            row = store.row(db, recording_id)
            return versioning.not_modified(row.version, if_none_match, response) or self.out(recording_id, row)

        def put_current(
            recording_id: str,
            edit: edit_model,  # type: ignore[valid-type]
            response: Response,
            db: DbSession,
            principal: TranscriptsEditor,
            if_match: IfMatch = None,
        ) -> Any:
            """Save the edited document as a new version. Requires `If-Match` with the version it was made from."""
            recording = visible_recording(db, principal, recording_id)
            base = versioning.check_current(store, db, recording.id, if_match)
            columns = self._columns_of(store.row(db, recording.id, base)) if self.carried else None
            return self.save(
                db,
                principal,
                recording.id,
                getattr(edit, name),
                response,
                base=base,
                comment=getattr(edit, "comment"),  # noqa: B009 (the edit model is only known at run time)
                action="save",
                columns=columns,
            )

        def list_versions(
            recording_id: str,
            db: DbSession,
            principal: TranscriptsReader,
            limit: Annotated[int, Query(ge=1, le=1000)] = 100,
            offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
        ) -> list[VersionSummary]:
            """The history, newest first."""
            visible_recording(db, principal, recording_id)
            return versioning.history(store, db, recording_id, limit=limit, offset=offset)

        def get_version(
            recording_id: str, version: VersionNumber, response: Response, db: DbSession, principal: TranscriptsReader
        ) -> Any:
            """One version, as it was saved."""
            visible_recording(db, principal, recording_id)
            row = store.row(db, recording_id, version)
            response.headers["ETag"] = etag(row.version)
            return self.out(recording_id, row)

        def restore_version(
            recording_id: str,
            version: VersionNumber,
            response: Response,
            db: DbSession,
            principal: TranscriptsEditor,
            if_match: IfMatch = None,
        ) -> Any:
            """Make version `version` current again, as a new version (history is never rewritten).

            `If-Match` is optional here; when sent, a restore over a newer save is refused with 412.
            """
            recording = visible_recording(db, principal, recording_id)
            old = store.row(db, recording.id, version)
            return self.save(
                db,
                principal,
                recording.id,
                store.schema.model_validate_json(old.document),
                response,
                base=versioning.check_sent(store, db, recording.id, if_match),
                comment=f"khôi phục phiên bản {version}",
                action="restore",
                columns=self._columns_of(old),
                restored=version,
            )

        not_modified: dict[int | str, dict[str, Any]] = {304: {"description": "Không đổi (If-None-Match)"}}
        preconditions: dict[int | str, dict[str, Any]] = {
            412: {"description": "Phiên bản đã thay đổi"},
            428: {"description": "Thiếu If-Match"},
        }
        router.get(base, response_model=out_model, responses=not_modified, name=f"get_{name}")(get_current)
        router.put(base, response_model=out_model, responses=preconditions, name=f"put_{name}")(put_current)
        versions = f"{base}/versions"
        router.get(versions, response_model=list[VersionSummary], name=f"list_{name}_versions")(list_versions)
        router.get(f"{versions}/{{version}}", response_model=out_model, name=f"get_{name}_version")(get_version)
        restore = f"{versions}/{{version}}/restore"
        router.post(restore, response_model=out_model, name=f"restore_{name}_version")(restore_version)

    def mount_export(
        self,
        router: APIRouter,
        base: str,
        *,
        formats: Any,
        default: str,
        formats_help: str,
        media_types: dict[str, str],
        render: Callable[[Any, Any], bytes],
        stem: Callable[[Recording], str],
        description: str,
    ) -> None:
        """`GET {base}/export`: a version (the current one by default) as a file in one of `formats` (a Literal)."""
        store, name = self.store, self.name

        def export(
            recording_id: str,
            db: DbSession,
            principal: TranscriptsReader,
            format: Annotated[formats, Query(description=formats_help)] = default,
            version: Annotated[int | None, Query(ge=1, le=MAX_INT, description="Mặc định: hiện tại")] = None,
        ) -> Response:
            recording = visible_recording(db, principal, recording_id)
            row = store.row(db, recording_id, version)
            data = render(store.schema.model_validate_json(row.document), format)
            record(
                db, principal.name, f"{name}.export", f"recording:{recording.id}", format=format, version=row.version
            )
            filename = stem(recording)[:120]
            return Response(
                content=data,
                media_type=media_types[format],
                headers={"Content-Disposition": versioning.attachment(filename, format), "ETag": etag(row.version)},
            )

        content: dict[str, dict[str, Any]] = {media_type.split(";")[0]: {} for media_type in media_types.values()}
        router.get(
            f"{base}/export",
            response_class=Response,
            responses={200: {"content": content, "description": "Tệp xuất"}},
            name=f"export_{name}",
            description=description,
        )(export)
