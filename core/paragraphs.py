"""Sentences and paragraphs of a transcript: the shape a reader needs to follow a meeting.

The recogniser cuts speech where the voice pauses, not where sentences end, and every chunk used to be
its own paragraph. Here a segment that holds several sentences (as the punctuation model ended them) is
cut into one segment per sentence, each keeping its own words and so their times; and a new paragraph
starts at each speaker turn and after a pause of at least the configured length.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.token_times import timed_tokens
from core.transcript import Segment, Transcript, Word

_SENTENCE_END = (".", "?", "!", "…")


def split_sentences(segment: Segment) -> list[Segment]:
    """One segment per sentence of `segment`'s text, each with the words its text was written from.

    A sentence ends at a token ending in . ? ! … followed by one starting with a capital or a digit (so
    "v.v. và" is no end). Each word goes to the sentence its middle falls in; a sentence that would get
    none of the words stays joined to its neighbour.
    """
    if not segment.words:
        return [segment]
    tokens = timed_tokens(segment)
    starts = [0] + [
        j + 1
        for j, token in enumerate(tokens[:-1])
        if token.text.endswith(_SENTENCE_END) and (tokens[j + 1].text[0].isupper() or tokens[j + 1].text[0].isdigit())
    ]
    groups: list[tuple[int, int, list[Word]]] = []
    remaining = list(segment.words)
    for n, first in enumerate(starts):
        last = starts[n + 1] if n + 1 < len(starts) else len(tokens)
        boundary = tokens[last].start if last < len(tokens) else float("inf")
        count = next((k for k, w in enumerate(remaining) if (w.start + w.end) / 2 >= boundary), len(remaining))
        mine, remaining = remaining[:count], remaining[count:]
        if groups and not groups[-1][2]:
            groups[-1] = (groups[-1][0], last, mine)
        else:
            groups.append((first, last, mine))
    if len(groups) > 1 and not groups[-1][2]:
        before, after = groups.pop(), groups.pop()
        groups.append((after[0], before[1], after[2]))
    if len(groups) == 1:
        return [segment]
    return [
        segment.model_copy(
            update={
                "text": " ".join(t.text for t in tokens[first:last]),
                "words": words,
                "start": segment.start if n == 0 else words[0].start,
                "end": segment.end if n == len(groups) - 1 else words[-1].end,
            }
        )
        for n, (first, last, words) in enumerate(groups)
    ]


def mark_paragraphs(transcript: Transcript, pause_s: float) -> Transcript:
    """The transcript with `starts_paragraph` set: at the first segment, each change of speaker, and after a
    silence of at least `pause_s` seconds (`text.paragraph_pause_s`)."""
    segments = []
    previous: Segment | None = None
    for segment in transcript.segments:
        starts = previous is None or segment.speaker != previous.speaker or segment.start - previous.end >= pause_s
        segments.append(segment.model_copy(update={"starts_paragraph": starts}))
        previous = segment
    return transcript.model_copy(update={"segments": segments})


def paragraphs(segments: Sequence[Segment]) -> list[list[Segment]]:
    """Segments grouped into paragraphs as exports show them; a change of speaker (an edit may make one)
    always starts a new one."""
    out: list[list[Segment]] = []
    for segment in segments:
        if not out or segment.starts_paragraph or segment.speaker != out[-1][-1].speaker:
            out.append([segment])
        else:
            out[-1].append(segment)
    return out
