"""Who chairs and who attends, read from the transcript where the meeting's metadata does not say.

The clerk's metadata always wins (`minutes.generate` asks this module only for empty fields). A
recording often comes with no list of attendees, and diarization labels speakers "Người nói N"
unless voiceprints know them, so the names come from two places: speaker labels that are names,
and the names the chair or the secretary says when giving the floor ("Xin mời đồng chí Phạm
Minh Tuấn, Phó Chủ tịch …"). A Vietnamese full name starts with a family name from a short,
well-known list; that is what tells a name ("Lý Thị Mai") from a title ("Chánh Văn phòng"), in
lower-case ASR output too.

The chair is the speaker who declares the meeting open, else the one who runs the procedure
(`frame.chair_label`). The chair may hand over ("xin mời đồng chí Lý Thị Mai … điều hành phần
thảo luận"); from the next turn of another speaker the new chair presides, and their procedural
speech (calls to vote, assignments, conclusions) counts as the chair's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from core.text import nfc
from core.transcript import Segment
from minutes.cues import fold

_SURNAMES_TEXT = """
    nguyễn trần lê phạm hoàng huỳnh phan vũ võ đặng bùi đỗ hồ ngô dương lý đinh lâm mai trương hà
    đoàn kiều khổng tạ lưu cao tô châu lương trịnh thái phùng quách mạc tăng vương la triệu đào đàm
    từ hứa diệp thân chu lại lục nông tống kim khúc lò giang doãn âu thạch chế bạch mã tôn nghiêm
"""
SURNAMES = frozenset(_SURNAMES_TEXT.split())
"""Common Vietnamese family names, lower case: the first word of a full name."""

_HONORIFIC = re.compile(r"\b(?:dong chi|dai bieu|ong|ba)\s+")
_STOP = re.compile(
    r"(?:chu tich|chu nhiem|chu toa|pho|truong (?:ban|phong|cong an|doan|thon|ap|khoa)|chanh|giam doc|bi thu"
    r"|thu truong|thu ky|tong|cuc truong|vu truong|uy vien|dai bieu|dai dien|can bo|trinh bay|phat bieu"
    r"|giai trinh|tra loi|cho y kien|bao cao|doc|dieu hanh|thay mat|tham du|thong qua|len|ve|da|se|la|va"
    r"|cung|xin|moi|de nghi|ke)\b"
)
"""Titles and verbs that end a name spoken in lower case ("… trần văn kiên phó chủ tịch"); a given name
that is also a word of a title ("Trường", "Thu") does not, alone."""
_ANONYMOUS = re.compile(r"^(?:nguoi noi|speaker|spk|khong ro)\b|\d")
_OPENS = re.compile(r"\btuyen bo khai mac\b")
"""Who declares the meeting open chairs it (another may chair a part of it: `chairing`)."""
_HANDOVER = re.compile(r"\bmoi (?:dong chi|ong|ba) ([^.;:!?]{3,120}?)\b(?:dieu hanh|chu tri|chu toa)\b")
"""The floor given to someone to chair the meeting or a part of it (from a chair or a master of ceremonies)."""


def is_name(text: str) -> bool:
    """Whether `text` reads as a person's full name: a family name and one to three more words, no digits."""
    words = fold(text).split()
    return 2 <= len(words) <= 4 and nfc(text).split()[0].lower() in SURNAMES and not _ANONYMOUS.search(fold(text))


def _title_case(words: Sequence[str]) -> str:
    return " ".join(w[:1].upper() + w[1:] for w in words)


def spoken_names(text: str) -> list[str]:
    """Full names said after "đồng chí", "đại biểu", "ông", "bà", in the order said, written with capitals.

    In cased text a name is a run of capitalised words; in lower-case text (ASR) it runs until a title
    or a verb. Either way it must start with a family name; "đồng chí Chánh Văn phòng" is no name.
    """
    text = nfc(text)
    folded = fold(text)
    cased = any(c.isupper() for c in text)
    names: list[str] = []
    for match in _HONORIFIC.finditer(folded):
        words: list[str] = []
        previous = match.end()
        for word in re.finditer(r"[^\W\d_]+", text[match.end() :]):
            if text[previous : match.end() + word.start()].strip():
                break  # a comma or a dash ends the name
            previous = match.end() + word.end()
            if len(words) == 4 or (cased and not word.group()[0].isupper()):
                break
            if not cased and words and _STOP.match(folded, match.end() + word.start()):
                break
            words.append(word.group())
        if len(words) >= 2 and words[0].lower() in SURNAMES:
            names.append(_title_case(words))
    return names


@dataclass(frozen=True)
class Chairing:
    """Who presides over each segment, and the names of those who chaired, in the order they took the chair."""

    presiding: list[str | None]
    """The speaker label of the chair for each segment of the transcript (same order)."""
    names: list[str]


def opener(segments: Sequence[Segment]) -> str | None:
    """The speaker label of whoever declares the meeting open, if anyone does."""
    return next((s.speaker for s in segments if s.speaker and _OPENS.search(fold(s.text))), None)


def chairing(segments: Sequence[Segment], chair: str | None) -> Chairing:
    """The chair over the meeting: `chair` (a speaker label) or the speaker who declares it open, then whoever
    the chair hands over to. Names come from named speaker labels or from the handover's words."""
    current = chair or opener(segments)
    presiding: list[str | None] = []
    order: list[str] = [current] if current else []
    learnt: dict[str, str] = {}
    pending: tuple[str | None, str] | None = None  # (who handed over, the name said)
    for segment in segments:
        if pending is not None and segment.speaker and segment.speaker != pending[0]:
            wanted = fold(pending[1])
            named = next((s.speaker for s in segments if s.speaker and fold(s.speaker) == wanted), None)
            current = named or segment.speaker
            if pending[1]:
                learnt.setdefault(current, pending[1])
            if current not in order:
                order.append(current)
            pending = None
        presiding.append(current)
        match = _HANDOVER.search(fold(segment.text))
        if match is not None:
            start, end = match.span(1)
            said = spoken_names("đồng chí " + nfc(segment.text)[start:end])
            pending = (segment.speaker, said[0] if said else "")
    names = [label if is_name(label) else learnt.get(label, "") for label in order]
    return Chairing(presiding, [n for n in dict.fromkeys(names) if n])


def attendees(segments: Sequence[Segment]) -> list[str]:
    """Named speakers and the people named when given the floor, each once, a given name alone folded into the
    full name it ends ("đồng chí Trường" is Mai Xuân Trường)."""
    found: list[str] = []
    for segment in segments:
        if segment.speaker and is_name(segment.speaker):
            found.append(nfc(segment.speaker))
        found.extend(spoken_names(segment.text))
    unique: dict[str, str] = {}
    for name in found:
        unique.setdefault(fold(name), name)
    return list(unique.values())
