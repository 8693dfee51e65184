"""The one settings object: every ``GOBANG_*`` environment variable is read here and only here.

Nested groups use ``__``: ``GOBANG_ASR__ENGINE=whisper``, ``GOBANG_ASR__DEVICE=cuda``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

EngineName = Literal["vietasr", "whisper"]
Device = Literal["auto", "cpu", "cuda"]


def _default_home() -> Path:
    return Path.home() / ".cache" / "gobang"


class AsrSettings(BaseModel):
    engine: EngineName = "vietasr"
    """Default engine for Vietnamese: the one with the lower WER on cv9_vi_dev (see benchmarks/asr_accuracy.py)."""
    whisper_model: str = "whisper-base"
    """A registry name, or a path to any CTranslate2 Whisper model directory (PhoWhisper, large-v3, fine-tunes)."""
    vietasr_model: str = "vietasr-ctc"
    """Registry name of the Vietnamese CTC model."""
    device: Device = "auto"
    """`auto` picks CUDA when a GPU is visible, else the CPU."""
    compute_type: str = "auto"
    """CTranslate2 compute type; `auto` is float16 on CUDA and int8 on CPU."""
    cpu_threads: int = 0
    """Threads per engine on the CPU; 0 uses every core."""
    batch_size: int = 0
    """Whisper batch size for batched inference; 0 picks 16 on CUDA and 4 on CPU."""
    language: str = "vi"
    """Language of the recordings."""
    verified_models_only: bool = False
    """Run only models whose weights' origin is verified (`gobang models list`, column Nguồn gốc): whisper-base
    (MIT) or a CTranslate2 Whisper directory the operator supplies; the engine then defaults to whisper, and
    vietasr (origin unverified) is refused. Costs accuracy: see the README."""

    @model_validator(mode="after")
    def _engine_of_verified_provenance(self) -> AsrSettings:
        if self.verified_models_only and self.engine == "vietasr":
            if "engine" in self.model_fields_set:
                raise ValueError(
                    "engine vietasr có mô hình chưa kiểm chứng nguồn gốc, không dùng được khi "
                    "GOBANG_ASR__VERIFIED_MODELS_ONLY=true; đặt GOBANG_ASR__ENGINE=whisper "
                    "(vietasr refused: only models of verified provenance are allowed)"
                )
            self.engine = "whisper"
        return self


class AudioSettings(BaseModel):
    max_duration_s: float = 12 * 3600
    """Recordings longer than this are refused (12 hours by default)."""
    block_s: float = 60.0
    """Audio is decoded and processed in blocks of this many seconds, so memory stays bounded."""


class JobSettings(BaseModel):
    """How workers run jobs and how the service finds jobs whose worker died."""

    heartbeat_s: float = 5.0
    """How often a running job touches its heartbeat (and reads its cancel flag)."""
    stale_after_s: float = 60.0
    """A running job silent for this long has lost its worker and is run again."""
    max_attempts: int = 3
    """Runs of a job before it is failed for good (a killed worker counts as a run)."""
    retry_base_s: float = 10.0
    """First retry waits this long; each further one four times longer (capped at 30 minutes)."""
    recovery_interval_s: float = 10.0
    """How often the service requeues jobs with stale heartbeats and retries that are due."""
    queue_prefix: str = "gobang"
    """RQ queue names are `<prefix>-asr-gpu`, `<prefix>-asr-cpu` and `<prefix>-cpu`; one prefix per deployment."""
    gpu_from_s: float | None = Field(default=None, ge=0)
    """Recordings at least this long (seconds) are transcribed from the `asr-gpu` queue, which GPU workers serve;
    shorter ones from `asr-cpu`. None (no GPU worker): every transcription goes to `asr-cpu`."""
    status_ttl_s: float = Field(default=30.0, gt=0)
    """With Redis, how long a queued or running job's cached status lives without a write (finished jobs: a day).
    Workers write it at every progress step; should a write be lost (Redis briefly away), the status is read
    from the database again after at most this long."""
    inprocess_workers: int = 1
    """Worker threads of the embedded in-process queue (no Redis); 0 runs no jobs in the server."""
    worker_nice: int = Field(default=10, ge=0, le=19)
    """CPU priority of job work below the API's (Unix nice): recognition is batch work, status reads answer
    people. Without it, workers on the same cores as the server made status reads wait seconds under load."""


class WebhookSettings(BaseModel):
    timeout_s: float = 10.0
    """Time to connect, and the longest pause between two pieces of the receiver's answer."""
    deadline_s: float = Field(default=30.0, gt=0.0)
    """Longest one attempt may take in all, however slowly the receiver trickles its answer."""
    allow_hosts: list[str] = []
    """Host names or networks (`10.20.0.0/16`, `127.0.0.1`) that receivers may use although they are loopback,
    link-local or private; everything else must be a public address. JSON list in the environment."""
    max_attempts: int = 8
    """Deliveries are retried with backoff until this many attempts."""
    retry_base_s: float = 30.0
    """First retry after this long, then four times longer each time (capped at 6 hours)."""


class OpenAISettings(BaseModel):
    """Limits of the synchronous OpenAI-compatible transcription endpoint (the request waits for the result)."""

    max_upload_mb: int = 25
    """Largest file accepted, in MiB (OpenAI's own limit); send longer meetings through /recordings."""
    max_duration_s: float = 3600.0
    """Longest recording accepted."""
    concurrency: int = 2
    """Requests transcribed at once; later ones wait, so the CPU is not oversubscribed."""


class DiarizationSettings(BaseModel):
    """Who spoke when, and the store of enrolled voices."""

    voiceprints_path: Path | None = None
    """The SQLite file older versions kept enrolled voiceprints in (None: `home/voiceprints.sqlite`). Voiceprints now
    live in the service database; a file found here at migration is moved in and renamed `*.migrated`."""
    voiceprint_threshold: float = 0.60
    """Cosine score an enrolled person must reach to be named.

    Calibrated (`diarization.calibrate`, benchmarks/diarization.py, CAM++) on cv9_vi_dev: 3-clip enrolments
    against single clips, 38,502 trials, target false-accept rate 0.1% -> 0.60 (FAR 0.10%, FRR 13.2% for one
    short clip; EER 2.55% at 0.48). 0.1% per enrolled person keeps an unknown voice unnamed in ~99% of cases
    with ten people enrolled; meeting speakers are compared by their whole cluster, far more speech than one
    clip, so they are rejected far less often than the per-clip FRR.
    """
    pyannote_config: Path | None = None
    """A local pyannote.audio pipeline (config.yaml with checkpoints on disk) to use instead of the built-in one."""
    pipeline: Literal["vad", "vad-overlap", "segmentation"] = "vad"
    """Built-in pipeline: "vad" (Silero regions, CAM++ windows; best on simulated Vietnamese meetings), "vad-overlap"
    (the same, plus a second speaker where segmentation-3.0 hears two voices at once: fewer misses on AMI, a little
    false alarm on the simulated meetings) or "segmentation" (pyannote 3.x algorithm on segmentation-3.0: overlapped
    speech, fewest misses on AMI, more confusion of Vietnamese voices)."""
    fusion_weight: float = Field(default=0.0, ge=0.0, lt=1.0)
    """The vad pipelines' weight of SE-Res2Net fused with CAM++ where a small cluster's or a window's voice is judged
    (`SpeakerDiarization.fusion_weight`; 0, the default: CAM++ alone). At login's 0.4 development confusion fell but
    held-out confusion rose, for 1.3x the CPU (docs/ARCHITECTURE.md, "Diarization", "Two encoders")."""


class MinutesSettings(BaseModel):
    """How minutes (biên bản) are generated: `GOBANG_MINUTES__GENERATOR=llm`, `GOBANG_MINUTES__LLM_URL=...`."""

    generator: Literal["extractive", "llm"] = "extractive"
    """`extractive` (embedded, no language model) or `llm` (an OpenAI-compatible chat endpoint)."""
    llm_url: str | None = None
    """Base URL of the OpenAI-compatible endpoint: vLLM `http://host:8000/v1`, Ollama `http://host:11434/v1`."""
    llm_model: str | None = None
    """Model name the endpoint serves (`Qwen/Qwen2.5-7B-Instruct`, `qwen2.5:7b`)."""
    llm_api_key: str | None = None
    """Key sent as a bearer token; local servers usually accept any value."""
    llm_timeout_s: float = 120.0
    """Time one chat completion may take before it is abandoned."""
    llm_max_retries: int = 2
    """Retries of a failed or timed-out request (by the openai client, with backoff)."""
    llm_chunk_chars: int = 12000
    """Transcript characters per map call; long meetings are split into chunks of about this size."""
    llm_temperature: float = 0.0
    """Sampling temperature: 0 keeps the minutes reproducible."""


class VoiceSettings(BaseModel):
    """Voice login (speaker verification + spoken challenge) and live dictation: `GOBANG_VOICE__THRESHOLD=0.5`."""

    threshold: float = 0.58
    """Cosine score against the voiceprint a login must reach (voiceprints of CAM++ alone; those enrolled with
    SE-Res2Net too are decided on the fused score, `fusion_weight`).

    Calibrated with `benchmarks/voice_login.py` on the development speakers of cv9_vi_dev only (5-utterance,
    20 s enrolments against single utterances): 0.58 is the lowest threshold with FAR <= 0.1% there. A login is
    a security decision, so false accepts are kept rare; a rejected person simply reads a new phrase.
    It holds FAR 0.09% against held-out impostors, but not against every other speaker: held-out enrolments tried
    against development speakers' clips too let 0.90% in (Wilson upper 1.1%), nearly all one pair of similar male
    voices; thresholds chosen the same way in cross-validation (0.59-0.64) let 0.36% in. A deployment should run
    `gobang voiceprints calibrate` on its own enrolled users.
    """
    second_utterance_band: float = Field(default=0.10, ge=0.0, lt=1.0)
    """A login whose cosine score falls this far below `threshold` (the grey zone) is asked for a second
    utterance of a fresh phrase instead of being refused; the decision is then on the mean of both scores
    against `threshold`. 0.10 is the narrowest of 0.05, 0.10 and 0.15 with the lowest FRR on development
    speakers (benchmarks/voice_login.py). Not used with `score_norm` (its scores are on another scale)."""
    fusion_weight: float = Field(default=0.4, ge=0.0, le=1.0)
    """Weight of SE-Res2Net's cosine (model `seres2net`) in a login's score, (1 - w) x CAM++ + w x SE-Res2Net,
    decided against `fusion_threshold` (the grey zone and second utterance as for CAM++ alone); 0 turns the second
    model off. Enrolment stores both models' embeddings; voiceprints enrolled before (CAM++ alone) keep being
    scored by CAM++ alone at `threshold`, and re-enrolling gives the fused score.

    0.4 had the lowest FRR at FAR <= 0.1% of weights 0 to 1 on development speakers (benchmarks/voice_fusion.py).
    Held-out speakers against every other speaker, CAM++ at 0.58 -> fusion at 0.53, the grey-zone second utterance
    counted in: FAR 1.05% -> 0.50%, FRR 2.5% -> 1.7%, EER 2.33% -> 1.69%; 5-fold cross-validation (choices of
    the other folds) FAR 0.40% -> 0.24%, FRR 4.5% -> 4.1%, EER 2.73% -> 1.98%. Most false accepts left are still
    one pair of similar male voices. SE-Res2Net adds about 0.1 s of CPU to a 9 s login (about 0.95 -> 1.06 s,
    benchmarks/voice_login_timing.py)."""
    fusion_threshold: float = 0.53
    """Fused score a login must reach (voiceprints holding both models' embeddings): the lowest with FAR <= 0.1% on
    development speakers (0.528), rounded up as `threshold` is."""
    login_threads: int = Field(default=1, ge=0)
    """CPU threads of each model a voice login runs (recognition, CAM++, SE-Res2Net; 0: one per core, the models
    shared with dictation and meetings). A login already recognises and embeds side by side on two threads, so a
    model splitting its work across cores as well mostly adds the cost of handing it over: a 9 s login cost less CPU
    in each of four paired runs, by 1-28% (benchmarks/voice_login_timing.py; docs/ARCHITECTURE.md). It costs
    one more copy of each model in a server that also transcribes (about 100 MB, the recogniser's 69 MB the most)."""
    score_norm: bool = False
    """Decide on the AS-norm of the score against the shipped impostor cohort (`diarization.score_norm`) and
    `norm_threshold`. Off: the cohort (Common Voice speakers) does not match other channels; on sv_librispeech
    its development threshold let 12% of impostors in (benchmarks/voice_login.py)."""
    norm_threshold: float = 2.5
    """AS-norm score a login must reach when `score_norm` is on (FAR <= 0.1% on development speakers)."""
    enrol_utterances: int = 5
    """Utterances needed to enrol a voice."""
    enrol_speech_s: float = 20.0
    """Speech (VAD) all enrolment utterances together must hold: 3 short sentences gave a held-out EER of 1.9%,
    5 sentences and 20 s 0.85% (benchmarks/voice_login.py)."""
    min_agreement: float = 0.42
    """Lowest cosine score between an enrolment utterance and the mean of the others (same voice). On development
    speakers (benchmarks/voice_login.py) it refuses as many genuine enrolments (4%) as it lets through enrolments
    with one sentence read by someone else (4%)."""
    min_speech_s: float = 1.5
    """Speech (VAD) an enrolment utterance must hold."""
    min_level_dbfs: float = -35.0
    """Quietest accepted speech level (RMS, dB full scale)."""
    max_clipped: float = 0.001
    """Largest accepted share of clipped samples."""
    min_self_similarity: float = 0.30
    """Lowest cosine score between the two halves of an enrolment utterance (one speaker)."""
    challenge_ttl_s: int = 60
    """A challenge phrase must be answered within this many seconds, once."""
    challenge_digits: int = 6
    """Digits in a challenge phrase."""
    second_challenge_digits: int = Field(default=8, ge=1, le=12)
    """Digits in the phrase of a grey-zone login's second utterance: the last chance gets more speech to decide on.
    Simulated as 0.8 s more of the speaker's speech (benchmarks/voice_login.py), 8 digits against 6 took one false
    reject and one false accept off on development speakers, changed nothing on held-out ones, and in the
    cross-validation lowered the second-utterance path's FRR from 4.9% to 4.5% for 4 more false accepts in 25,216
    (all of one pair of similar voices); a stale phrase also matches a fresh one less often."""
    adapt: bool = False
    """Add the embedding of a single-utterance login accepted wide of the threshold (`adapt_margin`) to the user's
    voiceprint; each addition is audited (`voice.adapted`), admins see and drop them (`/auth/voice/voiceprints`).

    Off by default, and measured not to pay on the data at hand (benchmarks/voice_login.py: on development
    speakers every margin and cap raised the FRR, at best 3.7% -> 4.0%; held-out 3.7% -> 3.9% at the same FAR):
    Common Voice speakers record in one sitting, so logins bring no condition the enrolment lacked. It is for
    deployments whose users' voices or microphones drift; keeping accepted logins is then storing more biometric
    data, which needs the users' consent and an admin's decision, not a default."""
    adapt_margin: float = Field(default=0.20, ge=0.0, lt=1.0)
    """Margin above the threshold a login was decided at (`threshold`, or `fusion_threshold` on the fused score) it
    must reach, against the voiceprint and against the enrolment alone, to be added: of 0 to 0.20 and caps 2/5/10,
    0.20 with cap 2 had the lowest development FRR without letting more impostors in (benchmarks/voice_login.py,
    CAM++ cosines; not re-measured on fused scores)."""
    adapt_max_embeddings: int = Field(default=2, ge=0)
    """Login embeddings kept per voiceprint, the oldest replaced first; never more than the enrolment's own."""
    phrase_max_errors: int = 1
    """Recognition errors (digit edits) tolerated in the spoken phrase."""
    max_utterance_s: float = Field(default=30.0, gt=0.0, le=30.0)
    """Longest enrolment or login recording accepted (at most one engine window: a login is decoded whole)."""
    dictation_endpoint_s: float = 0.6
    """Trailing silence (blank CTC frames after the last word) that ends an utterance and makes it final."""
    dictation_max_utterance_s: float = 20.0
    """An utterance is made final after this long even without a pause."""
    dictation_idle_s: float = Field(default=30.0, gt=0)
    """A dictation session that sends nothing for this long is closed."""
    dictation_sessions_per_user: int = Field(default=2, ge=1)
    """Dictation sessions one user or API key may hold open at once (per server process)."""
    dictation_max_message_s: float = Field(default=2.0, gt=0)
    """Most audio one message may carry (PCM16; WebM/Opus messages are capped at the same bytes)."""
    dictation_burst_s: float = Field(default=5.0, ge=0)
    """How far audio may run ahead of real time before the server waits: a client cannot make it recognise
    faster than people speak (240 s in one burst cost 21.5 s of CPU)."""
    dictation_threads: int = Field(default=2, ge=1)
    """Threads recognising dictation at once, apart from the server's shared thread pool (which REST requests
    need): many sessions wait for these rather than starving every other request."""


class LiveSettings(BaseModel):
    """Live session captions (`WS /live/{id}/audio`, issue 21): `GOBANG_LIVE__CLUSTER_THRESHOLD=0.45`."""

    endpoint_s: float = 0.5
    """Trailing silence (blank CTC frames after the last word) that makes an utterance's caption final.

    Chosen on the development part of `benchmarks/live_captions.py` (4 speakers x 3 turns): 0.6 s (dictation's)
    gave a median final latency of 1.69 s and 3.1% WER, 0.5 s 1.36 s and 5.2%, 0.4 s 1.00 s and 5.2% (runs under
    different machine load; offline 8.2%). 0.5 rather than 0.4 leaves room for the pauses of spontaneous speech,
    which read sentences lack."""
    max_utterance_s: float = 20.0
    """A caption is made final after this long even without a pause."""
    name_threshold: float = 0.50
    """Cosine an utterance must reach against an enrolled voiceprint to be captioned with that name.

    Lower than `diarization.voiceprint_threshold` (0.60, set for 0.1% false accepts on whole recordings'
    speakers): one utterance of a few seconds scores lower than a speaker's whole speech. Chosen on the
    development part of `benchmarks/live_captions.py` (correct speakers' utterances scored 0.54-0.89, other
    enrolled speakers at most 0.44); about 2.5% false accepts per enrolled person on cv9_vi_dev
    (`benchmarks/voice_login.py`: EER 2.55% at 0.483). The offline job names speakers at 0.60 afterwards."""
    cluster_threshold: float = 0.40
    """Cosine to an anonymous speaker's centroid that joins them; below it a new "Người nói N" is opened."""
    max_message_bytes: int = Field(default=1 << 20, gt=0)
    """Largest binary audio message (about 33 s of PCM); larger ones are refused."""
    diarize_offline: bool = True
    """The offline job queued when a session ends runs diarization (better speakers than the live ones)."""


class AdaptSettings(BaseModel):
    """Dialect adaptation (`GOBANG_ADAPT__BEAM=true`); off by default, its measured gains are small."""

    beam: bool = False
    """Decode vietasr with CTC beam search, the syllable LM and hotwords instead of greedy decoding."""
    lm_path: Path | None = None
    """Syllable n-gram (`gobang adapt lm-build` ARPA or `lm-train`); None: what those wrote into the home, else
    the shipped legal-corpus trigram."""
    alpha: float = 0.3
    """Weight of the LM in beam search (chosen for the shipped LM on cv9_vi_dev's development folds)."""
    beta: float = 2.0
    """Bonus per word in beam search."""
    beam_width: int = 12
    """Prefixes kept per frame."""
    hotword_bonus: float = 3.0
    """Bonus per glossary syllable matched in order."""
    accent_model: Path | None = None
    """Accent classifier from `gobang adapt accent-train`; None is `home/adapt/accent.npz`."""


class TextSettings(BaseModel):
    """The text stage for Vietnamese: `GOBANG_TEXT__WRITTEN_FORM=false` keeps the engine's spoken form."""

    written_form: bool = True
    """Give segments the written form (numbers, punctuation, case); words keep the spoken form and timings.
    A recording's job can override it (`written_form` in its options)."""
    itn: bool = True
    """Write numbers, dates, money, document numbers as digits and symbols ("12,5%", "số 1343/NQ-UBTVQH15")."""
    punctuation: bool = True
    """Restore punctuation and case with the shipped CRF (then the glossary's and gazetteer's names)."""
    paragraph_pause_s: float = Field(default=3.0, gt=0)
    """A silence at least this long starts a new paragraph (a change of speaker always does)."""


class StorageSettings(BaseModel):
    """Where audio blobs and unfinished uploads live: `local` (under `home`, the embedded default) or any
    S3-compatible service (`s3`: MinIO, Ceph, AWS), which every API and worker machine reaches without a shared disk."""

    backend: Literal["local", "s3"] = "local"
    endpoint_url: str | None = None
    """S3 endpoint (`http://minio:9000`); None is AWS's own for `region`."""
    bucket: str = "gobang"
    access_key_id: str | None = None
    secret_access_key: str | None = None
    region: str = "us-east-1"
    prefix: str = ""
    """Key prefix inside the bucket, so several deployments may share one (`prod/`)."""
    part_mb: int = Field(default=8, ge=5, le=512)
    """Size of multipart-upload parts and of ranged reads, in MiB (S3 refuses parts under 5 MiB but the last)."""


class Settings(BaseSettings):
    """gobang's settings, from ``GOBANG_*`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="GOBANG_", env_nested_delimiter="__", extra="ignore")

    home: Path = Field(default_factory=_default_home)
    """Where gobang keeps its data: model cache, database, audio blobs."""
    asr: AsrSettings = AsrSettings()
    audio: AudioSettings = AudioSettings()
    log_level: str = "INFO"
    """Level of the structured logs."""
    database_url: str | None = None
    """SQLAlchemy URL; None is the embedded SQLite file in `home` (PostgreSQL: postgresql+psycopg://...)."""
    redis_url: str | None = None
    """Redis for RQ workers; None runs jobs on an in-process worker (embedded default)."""

    secret_key: str | None = None
    """Signs session tokens; None generates one and keeps it in `home/secret.key`."""
    cookie_secure: bool = True
    """Send session cookies only over HTTPS (browsers treat http://localhost as secure)."""
    max_upload_mb: int = 4096
    """Largest recording accepted, in MiB."""
    max_body_kb: int = Field(default=1024, ge=64)
    """Largest request body of a route that takes no file or document (JSON forms, commands), in KiB."""
    max_document_mb: int = Field(default=32, ge=1)
    """Largest transcript or minutes save, in MiB (an 8-hour meeting's transcript with word times is ~15 MiB)."""
    max_utterance_mb: int = Field(default=8, ge=1)
    """Largest voice-login utterance, in MiB (30 s of 16-bit WAV is under 1 MiB)."""
    max_concurrent_uploads: int = Field(default=8, ge=1)
    """Recording uploads received at once by one server process; more get 503 with Retry-After."""
    min_free_mb: int = Field(default=256, ge=0)
    """Disk space kept free in `home`: an upload that would leave less is refused (507) before it is received."""
    upload_idle_hours: float = Field(default=24.0, gt=0)
    """An unfinished resumable upload untouched this long is deleted with its data; so are temporary files."""
    session_hours: float = 12.0
    """Lifetime of a login session or voice-login token."""
    api_key_cache_s: float = Field(default=30.0, gt=0, le=300)
    """How long an API process may trust a key it verified without asking the database again (with Redis only:
    a revocation reaches every process at once through Redis; without Redis the database decides every request)."""
    login_max_failures: int = 5
    """Consecutive wrong passwords after which an account is locked."""
    login_lockout_minutes: float = 15.0
    """How long a locked account stays locked."""
    login_ip_failures_per_minute: int = 10
    """Failed logins one client address may make per minute before it gets 429 (shared through Redis when set)."""
    jobs: JobSettings = JobSettings()
    webhooks: WebhookSettings = WebhookSettings()
    openai: OpenAISettings = OpenAISettings()
    minutes: MinutesSettings = MinutesSettings()
    diarization: DiarizationSettings = DiarizationSettings()
    voice: VoiceSettings = VoiceSettings()
    live: LiveSettings = LiveSettings()
    adapt: AdaptSettings = AdaptSettings()
    text: TextSettings = TextSettings()
    storage: StorageSettings = StorageSettings()

    @property
    def model_cache(self) -> Path:
        return self.home / "models"

    @property
    def blob_dir(self) -> Path:
        """Content-addressed audio blobs."""
        return self.home / "blobs"

    @property
    def upload_dir(self) -> Path:
        """Partial data of resumable uploads, one file per upload."""
        return self.home / "uploads"

    @property
    def voiceprints_path(self) -> Path:
        return self.diarization.voiceprints_path or self.home / "voiceprints.sqlite"

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'gobang.db'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings read once per process."""
    return Settings()
