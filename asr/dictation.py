"""Live dictation: audio arrives in small pieces, partial text comes back within a fraction of a second.

The vietasr model is a streaming conformer: it is fed 43 filterbank frames at a time (stride 40,
0.4 s) with its attention and convolution caches carried over, exactly as `StreamingCtcModel.log_probs`
runs it offline, so each step costs only the new audio and the partial text of an utterance is the
greedy decoding of the posteriors so far. An utterance ends (and its text becomes final, never to
change) after `endpoint_s` of blank frames following a word, WeNet's endpoint rule: the recogniser's
own frames are the voice-activity detector, with no second model on the CPU. After a final the model
state restarts, as offline transcription restarts it for each VAD chunk.

Final text gets the spoken commands for punctuation and layout ("chấm", "phẩy", "xuống dòng"...),
sentence case, and the glossary's spelling of names (`asr.readable`). With the text stage switched on
(`formatter`, as the offline pipeline and live captions have it) a final also gets the written form: numbers
as digits, and, when the speaker dictated no punctuation, the punctuation model's marks and case.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import kaldi_native_fbank as knf
import numpy as np

from asr.ctc import StreamingCtcModel, TokenHit, greedy_decode, hits_to_words
from asr.readable import restore
from asr.written import TextFormatter
from core.audio import SAMPLE_RATE
from core.errors import ModelError
from core.transcript import Segment, Word

COMMANDS: dict[tuple[str, ...], str] = {
    ("chấm", "hỏi"): "?",
    ("chấm", "than"): "!",
    ("hai", "chấm"): ":",
    ("xuống", "dòng"): "\n",
    ("mở", "ngoặc"): "(",
    ("đóng", "ngoặc"): ")",
    ("chấm",): ".",
    ("phẩy",): ",",
}
"""Spoken punctuation and layout; two-word commands are matched before one-word ones."""
_ATTACH_LEFT = frozenset(".,?!:)")
_ENDS_SENTENCE = frozenset(".?!\n")
_FEATURE_SHIFT = SAMPLE_RATE // 100
_SILENCE_RESTART_S = 5.0
"""Without any word for this long, the utterance restarts (bounded memory while nobody speaks)."""


@dataclass(frozen=True)
class DictationEvent:
    """What the client is sent: `partial` text may still change, `final` text never does."""

    type: Literal["partial", "final"]
    text: str
    start: float
    """Seconds since the session's first sample."""
    end: float
    words: tuple[Word, ...] = ()
    """A final's recognised words with their times (before commands and spelling), for transcripts."""


def format_words(
    words: Sequence[str],
    *,
    sentence_start: bool,
    glossary: Sequence[str] = (),
    commands: bool = True,
    formatter: TextFormatter | None = None,
) -> str:
    """Recognised words -> dictated text: names spelled from the glossary, commands turned into punctuation
    (unless not `commands`: a meeting's "chấm" is a word), the first letter of each sentence upper case (and
    of the text when `sentence_start`).

    With `formatter` (a final, the text stage on): ITN first, so the "phẩy" of "mười hai phẩy năm" is a
    decimal comma and not a command; then the speaker's own commands if they dictated any, else the whole
    written form (punctuation model, case, names)."""
    if formatter is not None:
        if not (commands and has_command(words)):
            return formatter.format(" ".join(words))
        if formatter.itn is not None:
            words = formatter.itn(" ".join(words)).split()
    words = _spell_names(words, glossary)
    pieces: list[str] = []
    capital = sentence_start
    i = 0
    while i < len(words):
        pair, single = tuple(w.lower() for w in words[i : i + 2]), (words[i].lower(),)
        key = pair if len(pair) == 2 and pair in COMMANDS else single if single in COMMANDS else None
        if key is not None and commands:
            pieces.append(COMMANDS[key])
            capital = capital or COMMANDS[key] in _ENDS_SENTENCE
            i += len(key)
            continue
        word = words[i]
        pieces.append(word[0].upper() + word[1:] if capital else word)
        capital = False
        i += 1
    return _join(pieces)


def has_command(words: Sequence[str]) -> bool:
    """Whether the words hold a spoken punctuation or layout command."""
    lowered = [w.lower() for w in words]
    return any((w,) in COMMANDS or tuple(lowered[i : i + 2]) in COMMANDS for i, w in enumerate(lowered))


def _join(pieces: list[str]) -> str:
    text = ""
    for piece in pieces:
        if piece in _ATTACH_LEFT or piece == "\n":
            text = text.rstrip(" ") + piece
        elif not text or text.endswith(("\n", "(")):
            text += piece
        else:
            text += " " + piece
    return text


def _spell_names(words: Sequence[str], glossary: Sequence[str]) -> list[str]:
    """Names and terms capitalised as the glossary and the gazetteer spell them (`asr.readable.restore`).

    `restore` also capitalises a segment's first word and ends it with a full stop; a neutral leading
    word takes the capital, and the added stop is dropped, so only the names' spelling is kept.
    """
    if not words:
        return []
    segment = Segment(id=0, start=0.0, end=0.0, text=" ".join(["và", *words]))
    restored = restore([segment], glossary)[0].text.split(" ")[1:]
    if restored and restored[-1].endswith(".") and not words[-1].endswith("."):
        restored[-1] = restored[-1][:-1]
    return restored if len(restored) == len(words) else list(words)


class DictationSession:
    """One speaker's dictation: `feed` samples as they come, `finish` at the end; both return new events."""

    def __init__(
        self,
        model: StreamingCtcModel,
        tokens: list[str],
        *,
        glossary: Sequence[str] = (),
        endpoint_s: float = 0.6,
        max_utterance_s: float = 20.0,
        formatter: TextFormatter | None = None,
    ) -> None:
        self.model, self.tokens = model, tokens
        self.formatter = formatter
        """The written-form text stage for finals (None: commands, sentence case and names only); may be
        replaced between utterances (a new glossary)."""
        self.spoken_commands = True
        """Spoken punctuation commands are obeyed (dictation), or kept as words (a meeting's captions)."""
        self.glossary = list(glossary)
        """Names and terms to spell as written; may be replaced between utterances."""
        self.endpoint_frames = max(1, round(endpoint_s / model.frame_s))
        self.max_frames = int(max_utterance_s / model.frame_s)
        self._sentence_start = True
        self._partial = ""
        self._start_sample = 0
        """Session sample index where the current utterance starts."""
        self._reset(np.zeros(0, np.float32))

    def _reset(self, samples: np.ndarray) -> None:
        options = knf.FbankOptions()
        options.frame_opts.samp_freq = SAMPLE_RATE
        options.frame_opts.dither = 0.0
        options.mel_opts.num_bins = 80
        self._fbank = knf.OnlineFbank(options)
        self._audio = samples
        self._next_frame = 0
        self._offset = 0
        self._att = np.zeros(self.model.att_cache_shape, np.float32)
        self._cnn = np.zeros(self.model.cnn_cache_shape, np.float32)
        self._log_probs: list[np.ndarray] = []
        self._partial = ""
        if samples.size:
            self._fbank.accept_waveform(SAMPLE_RATE, samples * 32768.0)

    def _step(self, window: np.ndarray) -> None:
        out, self._att, self._cnn = self.model.session.run(
            None,
            {
                "chunk": window[None],
                "offset": np.array([[self._offset]], dtype=np.int64),
                "att_cache": self._att,
                "cnn_cache": self._cnn,
            },
        )
        self._log_probs.append(out[0])
        self._offset += out.shape[1]

    def _window(self, begin: int, count: int) -> np.ndarray:
        return np.stack([self._fbank.get_frame(i) for i in range(begin, begin + count)]).astype(np.float32)

    def feed(self, samples: np.ndarray) -> list[DictationEvent]:
        samples = samples.astype(np.float32, copy=False).reshape(-1)
        self._audio = np.concatenate([self._audio, samples])
        self._fbank.accept_waveform(SAMPLE_RATE, samples * 32768.0)
        events: list[DictationEvent] = []
        while self._fbank.num_frames_ready >= self._next_frame + self.model.window:
            self._step(self._window(self._next_frame, self.model.window))
            self._next_frame += self.model.stride
            events += self._after_step()
        return events

    def finish(self) -> list[DictationEvent]:
        """The rest of the audio (zero-padded, as offline) and the last final."""
        self._fbank.input_finished()
        ready = self._fbank.num_frames_ready
        if ready > self._next_frame:
            window = self._window(self._next_frame, ready - self._next_frame)
            self._step(np.pad(window, ((0, self.model.window - len(window)), (0, 0))))
            valid = max(1, (ready - 3) // self.model.subsampling)
            self._log_probs = [np.concatenate(self._log_probs)[:valid]]
        return self._final(len(self._frames()))

    def _frames(self) -> np.ndarray:
        if not self._log_probs:
            return np.zeros((0, len(self.tokens)), np.float32)
        return np.concatenate(self._log_probs)

    def _after_step(self) -> list[DictationEvent]:
        log_probs = self._frames()
        hits = greedy_decode(log_probs)
        frames = len(log_probs)
        if hits:
            silent = frames - 1 - hits[-1].frame
            if silent >= self.endpoint_frames or frames >= self.max_frames:
                return self._final(frames, hits)
        elif frames * self.model.frame_s >= _SILENCE_RESTART_S:
            self._restart_at(frames)
            return []
        text = self._text(hits, log_probs)
        if text == self._partial:
            return []
        self._partial = text
        start = self._start_sample / SAMPLE_RATE
        return [DictationEvent("partial", text, start, start + frames * self.model.frame_s)]

    def _text(self, hits: list[TokenHit], log_probs: np.ndarray) -> str:
        words = hits_to_words(hits, self.tokens, frame_s=self.model.frame_s, start=0.0, end=len(log_probs))
        return self._format(words)

    def _format(self, words: list[Word], formatter: TextFormatter | None = None) -> str:
        return format_words(
            [w.text for w in words],
            sentence_start=self._sentence_start,
            glossary=self.glossary,
            commands=self.spoken_commands,
            formatter=formatter,
        )

    def _final(self, frames: int, hits: list[TokenHit] | None = None) -> list[DictationEvent]:
        log_probs = self._frames()[:frames]
        hits = greedy_decode(log_probs) if hits is None else hits
        start = self._start_sample / SAMPLE_RATE
        events = []
        if hits:
            words = hits_to_words(
                hits, self.tokens, frame_s=self.model.frame_s, start=start, end=start + frames * self.model.frame_s
            )
            text = self._format(words, formatter=self.formatter)
            events.append(DictationEvent("final", text, words[0].start, words[-1].end, tuple(words)))
            self._sentence_start = text.rstrip(" ")[-1:] in _ENDS_SENTENCE
        self._restart_at(frames)
        return events

    def _restart_at(self, frames: int) -> None:
        """Begin a new utterance at output frame `frames` of this one, re-feeding the audio after it."""
        cut = min(frames * self.model.subsampling * _FEATURE_SHIFT, self._audio.size)
        self._start_sample += cut
        self._reset(self._audio[cut:])


def new_session(
    engine: object, *, glossary: Sequence[str] = (), formatter: TextFormatter | None = None, **options: float
) -> DictationSession:
    """A dictation session on a loaded engine; only the streaming CTC engine (vietasr) can dictate."""
    from asr.vietasr_engine import VietAsrEngine

    if not isinstance(engine, VietAsrEngine):
        raise ModelError("đọc chính tả cần engine vietasr (dictation needs the streaming vietasr engine)")
    return DictationSession(engine.model, engine.tokens, glossary=glossary, formatter=formatter, **options)
