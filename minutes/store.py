"""Minutes versions in the database, versioned exactly like transcripts (`core.versioned`), and searched."""

from __future__ import annotations

from core.search.index import Passage
from core.tables import MinutesDoc, MinutesVersion
from core.versioned import VersionedDocuments
from minutes.model import Cited, Minutes


def minutes_passages(minutes: Minutes) -> list[Passage]:
    """Every item's words (agenda titles, interventions, conclusions, votes, tasks), at the segments it cites."""

    def passage(cited: Cited, speaker: str, text: str) -> Passage:
        first = min(cited.source_segments, key=lambda ref: ref.start)
        return Passage(first.id, first.start, max(ref.end for ref in cited.source_segments), speaker, text)

    found = []
    for item in minutes.items:
        found.append(passage(item, "", item.title))
        found += [passage(i, i.speaker, i.summary) for i in item.interventions]
        found += [passage(c, c.speaker or "", c.text) for c in item.conclusions]
        found += [passage(v, "", v.motion) for v in item.votes]
        found += [passage(t, t.assignee, f"{t.assignee}: {t.action}") for t in item.tasks]
    return [p for p in found if p.text.strip()]


MINUTES = VersionedDocuments(
    MinutesDoc,
    MinutesVersion,
    "minutes_id",
    Minutes,
    noun="biên bản",
    english="minutes",
    passages=minutes_passages,
)
