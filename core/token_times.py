"""Times of a segment's written tokens, from the timed words they were written from.

The written text ("Tăng 12,5%.") and the words (spoken form, "tăng mười hai phẩy năm phần trăm", each
timed) differ in number and spelling. Subtitles cut cues and the text stage cuts sentences at written
tokens, so each token needs a time: a token that is one of the words (up to case and punctuation) takes
that word's; the others ("49" for "bốn mươi chín") share the time between their timed neighbours by length.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from core.text import nfc
from core.transcript import Segment

_EDGE_PUNCTUATION = ".,;:!?…\"'“”‘’()[]«»-–"


@dataclass(frozen=True)
class TimedToken:
    text: str
    start: float
    end: float


def timed_tokens(segment: Segment) -> list[TimedToken]:
    """The segment's text as timed tokens (the text is the authority: written, restored or edited).

    Tokens with no word of their own share the time between their timed neighbours by length, or the
    whole segment's when none is timed.
    """
    pieces = segment.text.split()
    if segment.words and len(segment.words) == len(pieces):
        return [TimedToken(p, w.start, w.end) for p, w in zip(pieces, segment.words, strict=True)]
    times: list[tuple[float, float] | None] = [None] * len(pieces)
    matcher = SequenceMatcher(None, [_key(w.text) for w in segment.words], [_key(p) for p in pieces], autojunk=False)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            word = segment.words[block.a + k]
            times[block.b + k] = (word.start, word.end)
    tokens: list[TimedToken] = []
    i = 0
    while i < len(pieces):
        timed = times[i]
        if timed is not None:
            tokens.append(TimedToken(pieces[i], *timed))
            i += 1
            continue
        j = i
        while j < len(pieces) and times[j] is None:
            j += 1
        start = tokens[-1].end if tokens else segment.start
        following = times[j] if j < len(pieces) else None
        end = max(start, following[0] if following is not None else segment.end)
        total = max(sum(len(p) + 1 for p in pieces[i:j]), 1)
        offset = 0
        for piece in pieces[i:j]:
            begin = start + (end - start) * offset / total
            offset += len(piece) + 1
            tokens.append(TimedToken(piece, begin, start + (end - start) * offset / total))
        i = j
    return tokens


def _key(token: str) -> str:
    """A token as it compares with a word: NFC, lower case, without the punctuation at its edges."""
    return nfc(token).lower().strip(_EDGE_PUNCTUATION)
