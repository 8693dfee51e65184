"""Voiceprints: enrol a named person from stretches of audio, recognise them in later recordings.

Open set: a voice is named only when it is closer (cosine) to an enrolled person than a threshold
calibrated on data (`calibrate`, benchmarks/diarization.py), so unknown delegates stay "Người nói N".
Embeddings are stored with the id of the model that made them and are only ever compared with
embeddings of the same model. The store is one SQLite file under ``settings.home``; it sits behind
this small class so the service can move it into its main database later.

Each person belongs to an organisation unit (a committee, a council): a store opened for a unit lists,
matches and changes only that unit's people, so one unit's clerks neither see another's enrolled voices nor
have their speakers named after them. Unit None holds people of no unit: those enrolled before units
existed (schema version 1; an admin assigns them with `assign`), and login voiceprints.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from core.audio import SAMPLE_RATE, stream_audio
from core.errors import BadAudioError, ConflictError, InvalidInputError, NotFoundError
from core.files import private_file
from core.settings import get_settings
from core.text import nfc
from diarization.embedders import Embedder, get_embedder, normalize

logger = logging.getLogger(__name__)

ACCOUNT_MARK = "@"
"""Voiceprints of user accounts (voice login) are stored as "@username": never a meeting speaker's name, never
offered to diarization, and only written through the account path, so no one can add their voice to another
person's login by enrolling a meeting speaker under that name."""

MIN_ENROL_S = 1.0
"""Less speech than this per stretch says too little about a voice."""
_MAX_PIECE_S = 30.0
"""Long stretches are embedded in pieces of at most this length (bounded memory, several samples of the voice)."""

AudioSegment = np.ndarray | str | Path | tuple[str | Path, float, float]
"""16 kHz mono samples, a whole file, or (file, start s, end s)."""


@dataclass(frozen=True)
class Voiceprint:
    """An enrolled person as the store describes them."""

    name: str
    model_id: str
    org_unit_id: int | None
    """The organisation unit the person belongs to (None: no unit)."""
    segments: int
    """Embeddings stored (one per stretch or piece of audio)."""
    seconds: float
    """Speech enrolled, in seconds."""
    created_at: str


@dataclass(frozen=True)
class Calibration:
    """Where a verification threshold sits on a set of scored trials."""

    eer: float
    """Equal error rate (fraction)."""
    eer_threshold: float
    threshold: float
    """The lowest threshold whose false-accept rate is at most the target."""
    far: float
    """False-accept rate at `threshold`."""
    frr: float
    """False-reject rate at `threshold`."""
    target_far: float
    trials: int


def calibrate(scores: Sequence[float], same: Sequence[bool], *, target_far: float = 0.01) -> Calibration:
    """EER and the threshold meeting a target false-accept rate, from trial scores and same-speaker labels."""
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(same, dtype=bool)
    if y.all() or not y.any():
        raise ValueError("calibration needs both same-speaker and different-speaker trials")
    candidates = np.unique(s)
    candidates = np.concatenate([candidates, [candidates[-1] + 1e-6]])
    impostors, targets = np.sort(s[~y]), np.sort(s[y])
    far = 1.0 - np.searchsorted(impostors, candidates, side="left") / impostors.size
    frr = np.searchsorted(targets, candidates, side="left") / targets.size
    i = int(np.argmin(np.abs(far - frr)))
    ok = np.flatnonzero(far <= target_far)
    j = int(ok[0])
    return Calibration(
        eer=float((far[i] + frr[i]) / 2),
        eer_threshold=float(candidates[i]),
        threshold=float(candidates[j]),
        far=float(far[j]),
        frr=float(frr[j]),
        target_far=target_far,
        trials=int(s.size),
    )


def read_span(path: str | Path, start: float, end: float) -> np.ndarray:
    """Samples between `start` and `end` seconds of a recording, streamed (the rest is never held)."""
    if end <= start:
        raise BadAudioError(f"đoạn âm thanh rỗng {start:.2f}–{end:.2f} s (empty span)", path=path)
    first = int(start * SAMPLE_RATE)
    last = int(end * SAMPLE_RATE) if end != float("inf") else 2**62
    parts, position = [], 0
    for block in stream_audio(path):
        if position + block.size > first:
            parts.append(block[max(0, first - position) : max(0, last - position)])
        position += block.size
        if position >= last:
            break
    return np.concatenate(parts) if parts else np.zeros(0, np.float32)


def account_voiceprint(username: str) -> str:
    """The store's name for a user account's login voiceprint."""
    return f"{ACCOUNT_MARK}{username}"


def _check_kind(name: str, *, account: bool) -> None:
    if name.startswith(ACCOUNT_MARK) != account:
        raise InvalidInputError(
            f"tên bắt đầu bằng '{ACCOUNT_MARK}' dành cho giọng đăng nhập của tài khoản (reserved for voice login)"
            if not account
            else "giọng đăng nhập phải gắn với một tài khoản (account voiceprints are named @username)"
        )


_SCHEMA = """
CREATE TABLE IF NOT EXISTS people (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    unit INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    UNIQUE (unit, name)
);
CREATE TABLE IF NOT EXISTS embeddings (
    id INTEGER PRIMARY KEY,
    person INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    model_id TEXT NOT NULL,
    dim INTEGER NOT NULL,
    vector BLOB NOT NULL,
    seconds REAL NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS embeddings_model ON embeddings(model_id, person);
"""
"""Version 2: people keyed by (unit, name); unit 0 stands for "no unit" (SQLite's UNIQUE lets NULLs repeat)."""
_SCHEMA_VERSION = 2
_FROM_VERSION_1 = (
    """
ALTER TABLE people RENAME TO people_v1;
ALTER TABLE embeddings RENAME TO embeddings_v1;
DROP INDEX IF EXISTS embeddings_model;
"""
    + _SCHEMA
    + """
INSERT INTO people (name, unit, created_at) SELECT name, 0, created_at FROM people_v1;
INSERT INTO embeddings (id, person, model_id, dim, vector, seconds, created_at)
    SELECT e.id, p.id, e.model_id, e.dim, e.vector, e.seconds, e.created_at
    FROM embeddings_v1 e JOIN people p ON p.name = e.name AND p.unit = 0;
DROP TABLE embeddings_v1;
DROP TABLE people_v1;
"""
)
"""Version 1 knew no units: its people are kept, in no unit (only admins see them until they are assigned)."""


def _unit_key(org_unit_id: int | None) -> int:
    return org_unit_id or 0


class VoiceprintStore:
    """Named voiceprints in SQLite, confined to one organisation unit; `identify` answers who a voice is, or None."""

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        embedder: Embedder | None = None,
        threshold: float | None = None,
        org_unit_id: int | None = None,
    ) -> None:
        settings = get_settings()
        self.path = Path(path) if path is not None else settings.voiceprints_path
        self.threshold = settings.diarization.voiceprint_threshold if threshold is None else threshold
        """Cosine score an enrolled person must reach to be named."""
        self.org_unit_id = org_unit_id
        """The unit whose people this store lists, matches, enrols and deletes (None: the people of no unit)."""
        self._embedder = embedder
        private_file(self.path)  # voices are personal data: 0600, in a 0700 folder
        with self._connect() as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            columns = {row[1] for row in db.execute("PRAGMA table_info(people)")}
            if version < _SCHEMA_VERSION:
                script = _FROM_VERSION_1 if columns and "unit" not in columns else _SCHEMA
                db.executescript(f"BEGIN; {script} PRAGMA user_version = {_SCHEMA_VERSION}; COMMIT;")

    def for_unit(self, org_unit_id: int | None) -> VoiceprintStore:
        """The same file, confined to another unit."""
        return VoiceprintStore(self.path, embedder=self._embedder, threshold=self.threshold, org_unit_id=org_unit_id)

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = get_embedder()
        return self._embedder

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path)
        try:
            db.execute("PRAGMA foreign_keys = ON")
            with db:
                yield db
        finally:
            db.close()

    @staticmethod
    def _samples(segment: AudioSegment) -> tuple[np.ndarray, str | None]:
        if isinstance(segment, np.ndarray):
            return segment.astype(np.float32, copy=False).reshape(-1), None
        if isinstance(segment, tuple):
            path, start, end = segment
            return read_span(path, start, end), str(path)
        return read_span(segment, 0.0, float("inf")), str(segment)

    def enroll(
        self, name: str, audio_segments: Iterable[AudioSegment], *, account: bool = False, replace: bool = False
    ) -> Voiceprint:
        """Add stretches of one person's speech under `name` (enrolling again adds to their voiceprint).

        `account`: `name` is a login voiceprint (`account_voiceprint`); other names may not start with "@".
        `replace`: the new stretches replace the earlier voiceprint, in the same transaction as they are
        stored, so a failed enrolment keeps the old one.
        """
        name = nfc(name).strip()
        if not name:
            raise BadAudioError("tên người nói trống (empty speaker name)")
        _check_kind(name, account=account)
        vectors: list[tuple[np.ndarray, float]] = []
        for segment in audio_segments:
            samples, source = self._samples(segment)
            seconds = samples.size / SAMPLE_RATE
            if seconds < MIN_ENROL_S:
                raise BadAudioError(
                    f"đoạn ghi danh quá ngắn {seconds:.1f} s, cần ít nhất {MIN_ENROL_S:.0f} s (enrolment too short)",
                    path=source,
                )
            piece = int(_MAX_PIECE_S * SAMPLE_RATE)
            for start in range(0, samples.size, piece):
                part = samples[start : start + piece]
                if part.size >= MIN_ENROL_S * SAMPLE_RATE or start == 0:
                    vectors.append((self.embedder.embed(part), part.size / SAMPLE_RATE))
        if not vectors:
            raise BadAudioError("không có đoạn âm thanh nào để ghi danh (no enrolment audio)")
        now = datetime.now(UTC).isoformat()
        model_id = self.embedder.model_id
        unit = _unit_key(self.org_unit_id)
        with self._connect() as db:
            if replace:  # its embeddings go with it (cascade)
                db.execute("DELETE FROM people WHERE unit = ? AND name = ?", (unit, name))
            db.execute("INSERT OR IGNORE INTO people (name, unit, created_at) VALUES (?, ?, ?)", (name, unit, now))
            person = db.execute("SELECT id FROM people WHERE unit = ? AND name = ?", (unit, name)).fetchone()[0]
            db.executemany(
                "INSERT INTO embeddings (person, model_id, dim, vector, seconds, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                [(person, model_id, v.size, v.astype(np.float32).tobytes(), s, now) for v, s in vectors],
            )
        logger.info("voiceprint_enrolled name=%s unit=%s pieces=%d model=%s", name, unit, len(vectors), model_id)
        return next(v for v in self.list(accounts=account) if v.name == name)

    def list(self, *, accounts: bool = False, every_unit: bool = False) -> list[Voiceprint]:
        """This unit's enrolled people, by name (`accounts`: the login voiceprints instead; `every_unit`: the
        people of all units, for administrators)."""
        where, params = ("", ()) if every_unit else ("WHERE p.unit = ?", (_unit_key(self.org_unit_id),))
        with self._connect() as db:
            rows = db.execute(
                f"""SELECT p.name, COALESCE(MAX(e.model_id), ''), NULLIF(p.unit, 0), COUNT(e.id),
                          COALESCE(SUM(e.seconds), 0), p.created_at
                   FROM people p LEFT JOIN embeddings e ON e.person = p.id {where}
                   GROUP BY p.id ORDER BY p.name, p.unit""",
                params,
            ).fetchall()
        return [Voiceprint(*row) for row in rows if row[0].startswith(ACCOUNT_MARK) == accounts]

    def delete(self, name: str, *, account: bool = False) -> None:
        """Forget a person of this unit and every embedding of their voice (`account`: a login voiceprint)."""
        _check_kind(nfc(name).strip(), account=account)
        with self._connect() as db:
            gone = db.execute(
                "DELETE FROM people WHERE unit = ? AND name = ?", (_unit_key(self.org_unit_id), nfc(name).strip())
            )
            if gone.rowcount == 0:
                raise NotFoundError(f"không có giọng nói đã ghi danh '{name}' (no such voiceprint)")

    def assign(self, name: str, org_unit_id: int | None) -> Voiceprint:
        """Move a person of this unit to another (how an admin gives the people of no unit to their unit)."""
        clean = nfc(name).strip()
        _check_kind(clean, account=False)
        try:
            with self._connect() as db:
                moved = db.execute(
                    "UPDATE people SET unit = ? WHERE unit = ? AND name = ?",
                    (_unit_key(org_unit_id), _unit_key(self.org_unit_id), clean),
                )
        except sqlite3.IntegrityError:
            raise ConflictError(f"đơn vị đích đã có người tên '{clean}' (name taken in that unit)") from None
        if moved.rowcount == 0:
            raise NotFoundError(f"không có giọng nói đã ghi danh '{name}' (no such voiceprint)")
        return next(v for v in self.for_unit(org_unit_id).list() if v.name == clean)

    def models(self, model_id: str | None = None, *, name: str | None = None) -> dict[str, np.ndarray]:
        """Each person's voice model (this unit's): the mean of their unit embeddings (of one encoder), unit length.

        `name`: only that person's (keyed by the name as stored: NFC, stripped).
        """
        query = "SELECT p.name, e.vector FROM embeddings e JOIN people p ON p.id = e.person WHERE e.model_id = ?"
        query += " AND p.unit = ?"
        params: list[object] = [model_id or self.embedder.model_id, _unit_key(self.org_unit_id)]
        if name is not None:
            query, params = query + " AND p.name = ?", [*params, nfc(name).strip()]
        with self._connect() as db:
            rows = db.execute(query, params).fetchall()
        grouped: dict[str, list[np.ndarray]] = {}
        for person, blob in rows:
            grouped.setdefault(person, []).append(np.frombuffer(blob, dtype=np.float32))
        return {person: normalize(normalize(np.stack(v)).mean(axis=0)) for person, v in grouped.items()}

    def embeddings(self, model_id: str | None = None, *, accounts: bool = True) -> dict[str, np.ndarray]:
        """Every stored embedding (one per enrolment utterance or piece), (n, dim) per person of every unit, of one
        encoder; `accounts`: login voiceprints (for calibrating voice login), else meeting speakers."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT p.id, p.name, e.vector FROM embeddings e JOIN people p ON p.id = e.person"
                " WHERE e.model_id = ? ORDER BY e.id",
                (model_id or self.embedder.model_id,),
            ).fetchall()
        grouped: dict[int, tuple[str, list[np.ndarray]]] = {}
        for person, name, blob in rows:
            if name.startswith(ACCOUNT_MARK) == accounts:
                grouped.setdefault(person, (name, []))[1].append(np.frombuffer(blob, dtype=np.float32))
        names = [name for name, _ in grouped.values()]
        # people of every unit: one name in two units is two people, told apart by their id
        return {
            (name if names.count(name) == 1 else f"{name} #{person}"): np.stack(vectors)
            for person, (name, vectors) in grouped.items()
        }

    def scores(self, embedding: np.ndarray, *, model_id: str | None = None) -> dict[str, float]:
        """Cosine score of a voice against every enrolled person (login voiceprints are not people to name)."""
        probe = normalize(np.asarray(embedding, dtype=np.float32).reshape(-1))
        models = self.models(model_id).items()
        return {name: float(model @ probe) for name, model in models if not name.startswith(ACCOUNT_MARK)}

    def identify(self, embedding: np.ndarray, *, model_id: str | None = None) -> tuple[str, float] | None:
        """(name, score) of the closest enrolled person if their score reaches the threshold, else None."""
        scores = self.scores(embedding, model_id=model_id)
        if not scores:
            return None
        name = max(scores, key=lambda k: scores[k])
        return (name, scores[name]) if scores[name] >= self.threshold else None
