"""Voiceprints: enrol a named person from stretches of audio, recognise them in later recordings.

Open set: a voice is named only when it is closer (cosine) to an enrolled person than a threshold
calibrated on data (`calibrate`, benchmarks/diarization.py), so unknown delegates stay "Người nói N".
Embeddings are stored with the id of the model that made them and are only ever compared with
embeddings of the same model. The store is the service database (tables `voice_people` and
`voice_embeddings`, SQLite or PostgreSQL), so every worker names the same people without a shared file;
migration 0010 moved the people of the SQLite file earlier versions kept.

Each person belongs to an organisation unit (a committee, a council): a store opened for a unit lists,
matches and changes only that unit's people, so one unit's clerks neither see another's enrolled voices nor
have their speakers named after them. Unit None holds people of no unit: those enrolled before units
existed (an admin assigns them with `assign`), and login voiceprints.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sqlalchemy import ColumnElement, case, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from core.audio import SAMPLE_RATE, stream_audio
from core.db import as_utc, session_scope
from core.errors import BadAudioError, ConflictError, InvalidInputError, NotFoundError
from core.settings import DiarizationSettings
from core.tables import EmbeddingSource, VoiceEmbedding, VoicePerson
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
    """Embeddings stored (one per stretch or piece of audio, or accepted login)."""
    seconds: float
    """Speech enrolled, in seconds."""
    created_at: str
    login_segments: int = 0
    """Of `segments`, those added from accepted voice logins (`add_login_embedding`); the rest are enrolment's."""
    models: int = 1
    """Speaker models it holds embeddings of: `model_id`'s (the first enrolled, what `segments` and `seconds`
    count), and those enrolled beside it (`enroll`'s `also`: a login voiceprint scored by fusion)."""


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


def _in_unit(org_unit_id: int | None) -> ColumnElement[bool]:
    column = VoicePerson.org_unit_id
    return column.is_(None) if org_unit_id is None else column == org_unit_id


DEFAULT_THRESHOLD = DiarizationSettings.model_fields["voiceprint_threshold"].default
"""The shipped naming threshold, for stores that only enrol and list (the services pass their configured one)."""


class VoiceprintStore:
    """Named voiceprints in the service database, confined to one organisation unit; `identify` answers who a
    voice is, or None.

    Every worker and server process on the same database sees the same people. The unit's voice models are
    read once per store (a job builds one) and matched as one matrix product, however many people are enrolled.
    """

    def __init__(
        self,
        database_url: str,
        *,
        embedder: Embedder | None = None,
        threshold: float = DEFAULT_THRESHOLD,
        org_unit_id: int | None = None,
        actor: str = "",
    ) -> None:
        self.url = database_url
        self.threshold = threshold
        """Cosine score an enrolled person must reach to be named."""
        self.org_unit_id = org_unit_id
        """The unit whose people this store lists, matches, enrols and deletes (None: the people of no unit)."""
        self.actor = actor
        """Who enrols through this store (kept with the people they enrol)."""
        self._embedder = embedder
        self._matrices: dict[str, tuple[Sequence[str], np.ndarray]] = {}

    def for_unit(self, org_unit_id: int | None) -> VoiceprintStore:
        """The same database, confined to another unit."""
        return VoiceprintStore(
            self.url, embedder=self._embedder, threshold=self.threshold, org_unit_id=org_unit_id, actor=self.actor
        )

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = get_embedder()
        return self._embedder

    @staticmethod
    def _samples(segment: AudioSegment) -> tuple[np.ndarray, str | None]:
        if isinstance(segment, np.ndarray):
            return segment.astype(np.float32, copy=False).reshape(-1), None
        if isinstance(segment, tuple):
            path, start, end = segment
            return read_span(path, start, end), str(path)
        return read_span(segment, 0.0, float("inf")), str(segment)

    def enroll(
        self,
        name: str,
        audio_segments: Iterable[AudioSegment],
        *,
        account: bool = False,
        replace: bool = False,
        also: Sequence[Embedder] = (),
    ) -> Voiceprint:
        """Add stretches of one person's speech under `name` (enrolling again adds to their voiceprint).

        `account`: `name` is a login voiceprint (`account_voiceprint`); other names may not start with "@".
        `replace`: the new stretches replace the earlier voiceprint, in the same transaction as they are
        stored, so a failed enrolment keeps the old one. `also`: more speaker models whose embeddings of the same
        stretches are stored with it (after the store's own), in the same transaction.
        """
        name = nfc(name).strip()
        if not name:
            raise BadAudioError("tên người nói trống (empty speaker name)")
        _check_kind(name, account=account)
        vectors: list[tuple[np.ndarray, float, str]] = []
        embedders = (self.embedder, *also)
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
                    vectors.extend((e.embed(part), part.size / SAMPLE_RATE, e.model_id) for e in embedders)
        if not vectors:
            raise BadAudioError("không có đoạn âm thanh nào để ghi danh (no enrolment audio)")
        order = {e.model_id: i for i, e in enumerate(embedders)}
        vectors.sort(key=lambda v: order[v[2]])  # the store's model's first: `list` counts the first model's
        now = datetime.now(UTC)
        with session_scope(self.url) as db:
            if replace:  # its embeddings go with it (cascade)
                db.execute(delete(VoicePerson).where(_in_unit(self.org_unit_id), VoicePerson.name == name))
            person = self._person_id(db, name, now)
            db.execute(
                insert(VoiceEmbedding),
                [
                    {
                        "person_id": person,
                        "model_id": model_id,
                        "dim": v.size,
                        "vector": v.astype("<f4").tobytes(),
                        "seconds": seconds,
                        "created_at": now,
                        "source": EmbeddingSource.enrolment,
                    }
                    for v, seconds, model_id in vectors
                ],
            )
        self._matrices.clear()
        logger.info(
            "voiceprint_enrolled name=%s unit=%s pieces=%d models=%s",
            name,
            self.org_unit_id,
            len(vectors) // len(embedders),
            ",".join(e.model_id for e in embedders),
        )
        return next(v for v in self.list(accounts=account) if v.name == name)

    def _person_id(self, db: Session, name: str, now: datetime) -> int:
        """The id of this unit's person `name`, added if new (two enrolments of a new name at once make one)."""
        where = (_in_unit(self.org_unit_id), VoicePerson.name == name)
        person = db.scalar(select(VoicePerson.id).where(*where))
        if person is None:
            try:
                with db.begin_nested():
                    db.add(
                        VoicePerson(
                            name=name,
                            org_unit_id=self.org_unit_id,
                            created_by=self.actor,
                            created_at=now,
                            updated_at=now,
                        )
                    )
            except IntegrityError:  # enrolled by someone else meanwhile
                pass
            person = db.scalar(select(VoicePerson.id).where(*where))
        else:
            db.execute(update(VoicePerson).where(VoicePerson.id == person).values(updated_at=now))
        assert person is not None
        return person

    def list(self, *, accounts: bool = False, every_unit: bool = False) -> list[Voiceprint]:
        """This unit's enrolled people, by name (`accounts`: the login voiceprints instead; `every_unit`: the
        people of all units, for administrators)."""
        e, other = VoiceEmbedding, aliased(VoiceEmbedding)
        mine = other.person_id == VoicePerson.id
        first_model = select(other.model_id).where(mine).order_by(other.id).limit(1).scalar_subquery()
        models = select(func.count(func.distinct(other.model_id))).where(mine).scalar_subquery()
        query = (
            select(
                VoicePerson.name,
                func.max(e.model_id),
                VoicePerson.org_unit_id,
                func.count(e.id),
                func.coalesce(func.sum(e.seconds), 0.0),
                VoicePerson.created_at,
                func.count(case((e.source == EmbeddingSource.login, e.id))),
                models,
            )
            .outerjoin(e, (e.person_id == VoicePerson.id) & (e.model_id == first_model))
            .group_by(VoicePerson.id)
            .order_by(VoicePerson.name, VoicePerson.org_unit_id)
        )
        if not every_unit:
            query = query.where(_in_unit(self.org_unit_id))
        with session_scope(self.url) as db:
            rows = db.execute(query).all()
        return [
            Voiceprint(
                name, model_id or "", unit, int(count), float(seconds), as_utc(created_at).isoformat(), logins, n or 1
            )
            for name, model_id, unit, count, seconds, created_at, logins, n in rows
            if name.startswith(ACCOUNT_MARK) == accounts
        ]

    def delete(self, name: str, *, account: bool = False) -> None:
        """Forget a person of this unit and every embedding of their voice (`account`: a login voiceprint)."""
        clean = nfc(name).strip()
        _check_kind(clean, account=account)
        with session_scope(self.url) as db:
            gone = db.execute(delete(VoicePerson).where(_in_unit(self.org_unit_id), VoicePerson.name == clean))
            if getattr(gone, "rowcount", 0) == 0:
                raise NotFoundError(f"không có giọng nói đã ghi danh '{name}' (no such voiceprint)")
        self._matrices.clear()

    def add_login_embedding(
        self,
        name: str,
        vector: np.ndarray,
        seconds: float,
        *,
        keep: int,
        beside: Sequence[tuple[str, np.ndarray]] = (),
    ) -> int:
        """Add the embedding of an accepted voice login to login voiceprint `name`, keeping its `keep` newest login
        embeddings and never more than it has enrolment ones (a voiceprint stays mostly what was enrolled);
        returns how many login embeddings it holds now. `beside`: (model id, embedding) of the same login by
        other models the voiceprint holds, added and capped alike in the same transaction. The caller decides
        whether the login deserved it (`diarization.verification.adapt`)."""
        clean = nfc(name).strip()
        _check_kind(clean, account=True)
        e = VoiceEmbedding
        held = []
        with session_scope(self.url) as db:
            person = db.scalar(select(VoicePerson.id).where(_in_unit(self.org_unit_id), VoicePerson.name == clean))
            if person is None:
                raise NotFoundError("người dùng chưa ghi danh giọng nói (no voiceprint enrolled)")
            for model_id, embedding in ((self.embedder.model_id, vector), *beside):
                mine = (e.person_id == person, e.model_id == model_id)
                enrolled = db.scalar(select(func.count(e.id)).where(*mine, e.source == EmbeddingSource.enrolment))
                limit = min(keep, enrolled or 0)
                if limit > 0:
                    unit = normalize(np.asarray(embedding, dtype=np.float32).reshape(-1))
                    db.add(
                        VoiceEmbedding(
                            person_id=person,
                            model_id=model_id,
                            dim=unit.size,
                            vector=unit.astype("<f4").tobytes(),
                            seconds=seconds,
                            created_at=datetime.now(UTC),
                            source=EmbeddingSource.login,
                        )
                    )
                    db.flush()
                order = e.id.desc()
                ids = list(db.scalars(select(e.id).where(*mine, e.source == EmbeddingSource.login).order_by(order)))
                if len(ids) > limit:  # the oldest go first
                    db.execute(delete(VoiceEmbedding).where(VoiceEmbedding.id.in_(ids[limit:])))
                held.append(min(len(ids), limit))
        self._matrices.clear()
        return held[0]

    def drop_login_embeddings(self, name: str) -> int:
        """Remove every embedding login voiceprint `name` gained from accepted logins, of every model (what was
        enrolled stays); returns how many logins went (counted once, by the store's model, as `list` counts)."""
        clean = nfc(name).strip()
        _check_kind(clean, account=True)
        e = VoiceEmbedding
        with session_scope(self.url) as db:
            person = db.scalar(select(VoicePerson.id).where(_in_unit(self.org_unit_id), VoicePerson.name == clean))
            if person is None:
                raise NotFoundError(f"không có giọng nói đã ghi danh '{name}' (no such voiceprint)")
            logins = (e.person_id == person, e.source == EmbeddingSource.login)
            gone = db.scalar(select(func.count(e.id)).where(*logins, e.model_id == self.embedder.model_id)) or 0
            db.execute(delete(VoiceEmbedding).where(*logins))
        self._matrices.clear()
        return gone

    def assign(self, name: str, org_unit_id: int | None) -> Voiceprint:
        """Move a person of this unit to another (how an admin gives the people of no unit to their unit)."""
        clean = nfc(name).strip()
        _check_kind(clean, account=False)
        try:
            with session_scope(self.url) as db:
                moved = db.execute(
                    update(VoicePerson)
                    .where(_in_unit(self.org_unit_id), VoicePerson.name == clean)
                    .values(org_unit_id=org_unit_id, updated_at=datetime.now(UTC))
                )
                if getattr(moved, "rowcount", 0) == 0:
                    raise NotFoundError(f"không có giọng nói đã ghi danh '{name}' (no such voiceprint)")
        except IntegrityError:
            raise ConflictError(f"đơn vị đích đã có người tên '{clean}' (name taken in that unit)") from None
        self._matrices.clear()
        return next(v for v in self.for_unit(org_unit_id).list() if v.name == clean)

    def _vectors(self, model_id: str, *where: ColumnElement[bool]) -> Sequence[tuple[int, str, np.ndarray]]:
        """(person id, name, embedding) of one encoder's embeddings, in enrolment order."""
        query = (
            select(VoicePerson.id, VoicePerson.name, VoiceEmbedding.vector)
            .join(VoicePerson, VoicePerson.id == VoiceEmbedding.person_id)
            .where(VoiceEmbedding.model_id == model_id, *where)
            .order_by(VoiceEmbedding.id)
        )
        with session_scope(self.url) as db:
            rows = db.execute(query).all()
        return [(person, name, np.frombuffer(blob, dtype="<f4")) for person, name, blob in rows]

    def models(
        self, model_id: str | None = None, *, name: str | None = None, enrolled_only: bool = False
    ) -> dict[str, np.ndarray]:
        """Each person's voice model (this unit's): the mean of their unit embeddings (of one encoder), unit length.

        `name`: only that person's (keyed by the name as stored: NFC, stripped); `enrolled_only`: from their
        enrolment's embeddings alone, leaving out those added from accepted logins.
        """
        where = [_in_unit(self.org_unit_id)]
        if name is not None:
            where.append(VoicePerson.name == nfc(name).strip())
        if enrolled_only:
            where.append(VoiceEmbedding.source == EmbeddingSource.enrolment)
        grouped: dict[str, list[np.ndarray]] = {}
        for _person, person_name, vector in self._vectors(model_id or self.embedder.model_id, *where):
            grouped.setdefault(person_name, []).append(vector)
        return {person: normalize(normalize(np.stack(v)).mean(axis=0)) for person, v in grouped.items()}

    def embeddings(self, model_id: str | None = None, *, accounts: bool = True) -> dict[str, np.ndarray]:
        """Every enrolment embedding (one per enrolment utterance or piece), (n, dim) per person of every unit, of
        one encoder; `accounts`: login voiceprints (for calibrating voice login), else meeting speakers. Embeddings
        added from accepted logins are left out: the threshold chose them, so they would flatter the calibration."""
        grouped: dict[int, tuple[str, list[np.ndarray]]] = {}
        enrolled = VoiceEmbedding.source == EmbeddingSource.enrolment
        for person, name, vector in self._vectors(model_id or self.embedder.model_id, enrolled):
            if name.startswith(ACCOUNT_MARK) == accounts:
                grouped.setdefault(person, (name, []))[1].append(vector)
        names = [name for name, _ in grouped.values()]
        # people of every unit: one name in two units is two people, told apart by their id
        return {
            (name if names.count(name) == 1 else f"{name} #{person}"): np.stack(vectors)
            for person, (name, vectors) in grouped.items()
        }

    def _matrix(self, model_id: str) -> tuple[Sequence[str], np.ndarray]:
        """This unit's people to name (no login voiceprints) and their models as rows, read once per store."""
        if model_id not in self._matrices:
            models = {n: m for n, m in self.models(model_id).items() if not n.startswith(ACCOUNT_MARK)}
            matrix = np.stack(list(models.values())) if models else np.zeros((0, 0), np.float32)
            self._matrices[model_id] = (list(models), matrix)
        return self._matrices[model_id]

    def scores(self, embedding: np.ndarray, *, model_id: str | None = None) -> dict[str, float]:
        """Cosine score of a voice against every enrolled person (login voiceprints are not people to name)."""
        names, matrix = self._matrix(model_id or self.embedder.model_id)
        if not names:
            return {}
        probe = normalize(np.asarray(embedding, dtype=np.float32).reshape(-1))
        return dict(zip(names, (matrix @ probe).tolist(), strict=True))

    def identify(
        self, embedding: np.ndarray, *, model_id: str | None = None, margin: float = 0.0, relax: float = 0.0
    ) -> tuple[str, float] | None:
        """(name, score) of the closest enrolled person if their score reaches the threshold (less `relax`) and beats
        the next person's by `margin`, else None."""
        names, matrix = self._matrix(model_id or self.embedder.model_id)
        if not names:
            return None
        scores = matrix @ normalize(np.asarray(embedding, dtype=np.float32).reshape(-1))
        best = int(np.argmax(scores))
        runner_up = float(np.partition(scores, -2)[-2]) if scores.size > 1 else -1.0
        clear = scores[best] >= self.threshold - relax and scores[best] - runner_up >= margin
        return (names[best], float(scores[best])) if clear else None
