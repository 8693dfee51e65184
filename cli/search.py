"""`gobang search`: find what was said in the archive, and rebuild the search index.

`gobang search "bồi thường đất"` searches; `gobang search reindex` rebuilds the index. The CLI is
the archivist's tool on the server: it searches every unit's recordings.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text
from typer.core import TyperGroup

from cli.database import database
from cli.errors import err_console, one_line_errors
from core.text import clock


class _SearchFirst(TyperGroup):
    """`gobang search WORDS…` is `gobang search find WORDS…`: anything but a subcommand is a query."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # Any: typer's vendored click.Context
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["find", *args]
        return super().parse_args(ctx, args)


search_app = typer.Typer(
    cls=_SearchFirst,
    help='Tìm trong lời nói của các cuộc họp: gobang search "bồi thường đất"; gobang search speaker "Tên"; '
    "gobang search reindex (search).",
    no_args_is_help=True,
)
console = Console()


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise typer.BadParameter(f"ngày {value!r} không đúng dạng YYYY-MM-DD") from None


@search_app.command("find")
@one_line_errors
def find_command(
    words: Annotated[
        list[str], typer.Argument(help="Từ cần tìm; cụm trong ngoặc kép là cụm liền nhau: '\"bồi thường\" đất'.")
    ],
    exact: Annotated[bool, typer.Option("--exact", help="Phân biệt dấu (mặc định: không phân biệt dấu).")] = False,
    speaker: Annotated[str | None, typer.Option(help="Người nói: tên hoặc nhãn, một phần (speaker).")] = None,
    body: Annotated[str | None, typer.Option(help="Đúng cơ quan họp (meeting body).")] = None,
    date_from: Annotated[
        str | None, typer.Option("--from", help="Họp từ ngày YYYY-MM-DD.", callback=_day, metavar="NGÀY")
    ] = None,
    date_to: Annotated[
        str | None, typer.Option("--to", help="Họp đến ngày YYYY-MM-DD.", callback=_day, metavar="NGÀY")
    ] = None,
    source: Annotated[
        str | None, typer.Option(help="transcript (bản gỡ băng) hoặc minutes (biên bản); mặc định cả hai.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="Số kết quả tối đa.")] = 20,
    offset: Annotated[int, typer.Option(min=0, help="Bỏ qua bấy nhiêu kết quả đầu (trang sau).")] = 0,
) -> None:
    """Tìm các đoạn nói chứa mọi từ cần tìm, xếp theo mức liên quan; mỗi kết quả có thời điểm để nghe lại."""
    from core.search.query import Filters, meetings, search
    from core.search.text import Query
    from core.tables import Recording

    if source not in (None, "transcript", "minutes"):
        raise typer.BadParameter(f"nguồn {source!r} không có; chọn transcript hoặc minutes", param_hint="--source")
    recordings = meetings(body=body, date_from=date_from, date_to=date_to).with_only_columns(Recording.id)  # type: ignore[arg-type]
    query = Query.parse(" ".join(words), accents=exact)
    with database() as db:
        results = search(db, query, Filters(recordings, speaker, source), limit=limit, offset=offset)
    if not results.hits:
        console.print("Không tìm thấy đoạn nào (no hits).")
        return
    table = Table(title=f"{results.total} đoạn khớp; {offset + 1}–{offset + len(results.hits)}")
    for name in ("Bản ghi", "Thời điểm", "Người nói", "Đoạn trích"):
        table.add_column(name, overflow="fold")
    for hit in results.hits:
        snippet = Text(hit.snippet)
        for start, end in hit.highlights:
            snippet.stylize("bold reverse", start, end)
        when = f" ({hit.meeting_date:%d/%m/%Y})" if hit.meeting_date else ""
        where = clock(hit.time) + (" biên bản" if hit.source == "minutes" else "")
        table.add_row(f"{hit.title}{when}\n{hit.recording_id}", where, hit.speaker, snippet)
    console.print(table)


@search_app.command("speaker")
@one_line_errors
def speaker_command(
    name: Annotated[str, typer.Argument(help="Tên đã ghi danh hoặc nhãn người nói, đủ cả tên (không phân biệt dấu).")],
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="Số lượt nói tối đa được liệt kê.")] = 50,
) -> None:
    """Các lượt nói của một người trong mọi bản ghi (thời điểm, độ dài, lời đầu) và tổng thời gian nói mỗi phiên."""
    from core.search.speakers import speaker_view

    with database() as db:
        view = speaker_view(db, name, None, limit=limit, offset=0)
    if not view.sessions:
        console.print(f"Không thấy lượt nói nào của {escape(view.speaker)} (no turns).")
        return
    sessions = Table(title=f"{view.speaker}: {view.total_turns} lượt nói trong {len(view.sessions)} phiên")
    for column in ("Phiên họp", "Ngày", "Số lượt", "Tổng thời gian nói"):
        sessions.add_column(column, overflow="fold")
    titles = {}
    for s in view.sessions:
        titles[s.recording_id] = s.title
        day = f"{s.meeting_date:%d/%m/%Y}" if s.meeting_date else ""
        sessions.add_row(f"{s.title}\n{s.recording_id}", day, str(s.turns), clock(s.seconds))
    turns = Table(title=f"Các lượt nói (tối đa {limit})")
    for column in ("Phiên họp", "Thời điểm", "Độ dài", "Lời đầu"):
        turns.add_column(column, overflow="fold")
    for t in view.turns:
        turns.add_row(titles[t.recording_id], clock(t.start), f"{t.duration:.0f} s", t.first_words)
    console.print(sessions, turns)


@search_app.command("reindex")
@one_line_errors
def reindex_command() -> None:
    """Dựng lại chỉ mục tìm kiếm từ phiên bản hiện tại của mọi bản gỡ băng và biên bản (rebuild the index)."""
    from core.search.index import clear
    from core.transcript_store import TRANSCRIPTS
    from minutes.store import MINUTES

    with database() as db, err_console.status("Đang dựng lại chỉ mục… (reindexing)"):
        clear(db)
        counts = [store.reindex(db) for store in (TRANSCRIPTS, MINUTES)]
    console.print(f"Đã dựng lại chỉ mục: {counts[0]} đoạn bản gỡ băng, {counts[1]} mục biên bản.")
