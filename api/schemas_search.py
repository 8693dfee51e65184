"""Wire types of the archive search (`GET /search`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from core.search.query import Hit

SearchSource = Literal["transcript", "minutes"]


class SearchHit(Hit):
    url: str
    """The editor at the matched word, with the audio positioned there."""


class SearchPage(BaseModel):
    items: list[SearchHit]
    total: int
    total_exact: bool
    """False when more passages match than are ranked (5 000, the newest): `total` then means "at least"."""
    limit: int
    offset: int
