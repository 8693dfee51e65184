"""The words of Mẫu 1.9 (Biên bản, Phụ lục III, Nghị định 30/2020/NĐ-CP), shared by every format.

Each renderer lays these out its own way; the wording itself is written once, so a DOCX, a
Markdown and an HTML export of the same minutes say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.text import clock, nfc
from minutes.frame import spoken_time
from minutes.model import Cited, Minutes, Vote

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
TITLE = "BIÊN BẢN"
DOTS = "…"
KEEP = "Lưu: VT, hồ sơ."


def number_line(minutes: Minutes) -> str:
    """ "Số: 12/BB-HĐND", or the form's dots where the number is not given yet."""
    return f"Số: {minutes.header.number or f'{DOTS}/BB-{DOTS}'}"


def fields(minutes: Minutes) -> list[tuple[str, str]]:
    """The labelled lines under the title, in the order of the form."""
    return [
        ("Thời gian bắt đầu", spoken_time(minutes.start)),
        ("Địa điểm", minutes.place or DOTS),
        ("Thành phần tham dự", "; ".join(minutes.attendees) or DOTS),
        ("Chủ trì (chủ tọa)", minutes.chair or DOTS),
        ("Thư ký (người ghi biên bản)", minutes.secretary or DOTS),
    ]


CONTENT_HEADING = "Nội dung (theo diễn biến cuộc họp):"


def cited_at(cited: Cited) -> str:
    """Where in the recording a statement comes from: "00:05:30" of its first segment."""
    return clock(min(r.start for r in cited.source_segments))


def vote_text(vote: Vote) -> str:
    counts = []
    if vote.in_favour is not None:
        counts.append(f"tán thành {vote.in_favour}" + (f"/{vote.total}" if vote.total is not None else ""))
    if vote.against is not None:
        counts.append(f"không tán thành {vote.against}")
    if vote.abstain is not None:
        counts.append(f"không biểu quyết {vote.abstain}")
    result = {True: "thông qua", False: "không thông qua", None: ""}[vote.passed]
    tail = "; ".join(filter(None, [", ".join(counts), f"kết quả: {result}" if result else ""]))
    return f"{vote.motion}" + (f" ({tail})" if tail else "")


@dataclass(frozen=True)
class Line:
    """One line of the content: a kind (`item`, `label`, `entry`) and its text; entries keep their sources."""

    kind: str
    text: str
    source: Cited | None = None


def content(minutes: Minutes) -> list[Line]:
    """The content of the meeting, in order: each item, who spoke, conclusions, votes, tasks."""
    lines: list[Line] = []
    for number, item in enumerate(minutes.items, 1):
        lines.append(Line("item", f"{number}. {item.title}", item))
        lines += [Line("entry", f"{x.speaker}: {x.summary}", x) for x in item.interventions]
        if item.conclusions:
            lines.append(Line("label", "Kết luận của chủ tọa:"))
            lines += [Line("entry", x.text, x) for x in item.conclusions]
        if item.votes:
            lines.append(Line("label", "Biểu quyết:"))
            lines += [Line("entry", vote_text(x), x) for x in item.votes]
        if item.tasks:
            lines.append(Line("label", "Nhiệm vụ được giao:"))
            lines += [
                Line("entry", f"{x.assignee}: {x.action}" + (f" (thời hạn: {x.deadline})" if x.deadline else ""), x)
                for x in item.tasks
            ]
    return lines


def closing(minutes: Minutes) -> list[str]:
    return [
        minutes.closing,
        "Nội dung cuộc họp đã được các thành viên dự họp thông qua và cùng ký vào biên bản.",
        f"Biên bản được lập thành {minutes.copies:02d} bản có nội dung và giá trị pháp lý như nhau.",
    ]


def person(description: str) -> str:
    """The name in "Trần Thị Bình, Chuyên viên Văn phòng" (signatures carry the name only)."""
    return nfc(description.split(",")[0].strip())


def signatures(minutes: Minutes) -> list[tuple[str, str, str]]:
    """(title, what signs, name) for the left (THƯ KÝ) and right (CHỦ TỌA) blocks."""
    return [
        ("THƯ KÝ", "(Chữ ký)", person(minutes.secretary)),
        ("CHỦ TỌA", "(Chữ ký, dấu)", person(minutes.chair)),
    ]


def recipients(minutes: Minutes) -> list[str]:
    return [f"- {r.rstrip(';.')};" for r in minutes.recipients] + [f"- {KEEP}"]
