"""Minutes versions in the database, versioned exactly like transcripts (`core.versioned`)."""

from __future__ import annotations

from core.tables import MinutesDoc, MinutesVersion
from core.versioned import VersionedDocuments
from minutes.model import Minutes

MINUTES = VersionedDocuments(MinutesDoc, MinutesVersion, "minutes_id", Minutes, noun="biên bản", english="minutes")
