"""Search the archive by what was said: `GET /search?q=…` over transcripts and minutes, and the speaker view
`GET /search/speakers/{name}` (a person's turns across the recordings).

Whom a hit may come from is decided exactly as for the recordings list (`api.access.visible_recordings`):
a unit sees its own. Each hit links to the editor at the matched word, audio positioned there.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.access import visible_recordings
from api.deps import DbSession, TranscriptsReader
from api.schemas import MAX_INT, Text
from api.schemas_search import SearchHit, SearchPage, SearchSource
from core.search.query import Filters, search
from core.search.speakers import SpeakerView, speaker_view
from core.search.text import Query as SearchQuery
from core.tables import Recording

router = APIRouter(tags=["search"])


@router.get("/search", response_model=SearchPage)
def search_archive(
    db: DbSession,
    principal: TranscriptsReader,
    q: Annotated[
        Text,
        Query(
            min_length=1,
            max_length=200,
            description='Từ cần tìm; cụm trong ngoặc kép là cụm từ liền nhau, ví dụ "bồi thường" đất',
        ),
    ],
    exact: Annotated[bool, Query(description="Phân biệt dấu (mặc định: không phân biệt dấu)")] = False,
    speaker: Annotated[Text | None, Query(max_length=200, description="Người nói: tên hoặc nhãn, một phần")] = None,
    source: Annotated[SearchSource | None, Query(description="Chỉ bản gỡ băng hoặc chỉ biên bản")] = None,
    body: Annotated[Text | None, Query(max_length=300, description="Đúng cơ quan họp")] = None,
    date_from: Annotated[date | None, Query(description="Họp từ ngày")] = None,
    date_to: Annotated[date | None, Query(description="Họp đến ngày")] = None,
    org_unit_id: Annotated[int | None, Query(ge=1, le=MAX_INT)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> SearchPage:
    """Passages of current transcripts and minutes that contain every word of `q`, best first.

    Accents are ignored unless `exact` (`dat dai` finds `đất đai`); each hit has its snippet with the
    matches marked (`highlights`), the speaker, the time of the first matched word and the editor's link.
    A word said in more than 5 000 passages is ranked among its newest 5 000 (`total_exact` false).
    """
    visible = visible_recordings(principal, org_unit_id=org_unit_id, body=body, date_from=date_from, date_to=date_to)
    filters = Filters(recordings=visible.with_only_columns(Recording.id), speaker=speaker, source=source)
    results = search(db, SearchQuery.parse(q, accents=exact), filters, limit=limit, offset=offset)
    items = [
        SearchHit(**hit.model_dump(), url=f"/ui/editor/{hit.recording_id}#t={hit.time:.1f}") for hit in results.hits
    ]
    return SearchPage(items=items, total=results.total, total_exact=results.total_exact, limit=limit, offset=offset)


@router.get("/search/speakers/{name}", response_model=SpeakerView)
def speaker_turns(
    name: Annotated[Text, Path(min_length=1, max_length=200, description="Tên đã ghi danh hoặc nhãn người nói")],
    db: DbSession,
    principal: TranscriptsReader,
    date_from: Annotated[date | None, Query(description="Họp từ ngày")] = None,
    date_to: Annotated[date | None, Query(description="Họp đến ngày")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> SpeakerView:
    """A person's turns (time, duration, first words) in the current transcripts the caller may see, newest meeting
    first, and their total speaking time in each session. The name matches whole, ignoring case and accents."""
    visible = visible_recordings(principal, date_from=date_from, date_to=date_to)
    return speaker_view(db, name, visible.with_only_columns(Recording.id), limit=limit, offset=offset)
