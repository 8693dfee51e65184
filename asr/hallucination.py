"""Protection against Whisper hallucinations, as pure functions over `Segment`s.

Whisper invents text where there is none: YouTube outros on silence or music ("Hãy subscribe
cho kênh Ghiền Mì Gõ ..."), the same phrase looped until the token limit, and confident text over
noise. faster-whisper's own guards (temperature fallback, no-speech skip) catch part of it, and not
at all in batched decoding; these filters run on any engine's output, segment by segment, so a
stream stays a stream.

The filters only remove: a segment is dropped, or words are cut from it, never rewritten. An
unchanged segment is returned as the same object. Where a segment has words, the words are
edited and the text rebuilt from them, so text and words never disagree.

Engines that know a segment's no-speech probability (the Whisper engine) expose it as a
`no_speech_prob` attribute on the segment; others simply skip that check.
"""

from __future__ import annotations

import logging
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from core.text import nfc, strip_diacritics
from core.transcript import Segment, Word

logger = logging.getLogger(__name__)

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)

# Phrases Whisper invents on silence and music, learnt from YouTube subtitles. They are matched on
# normalised text (NFC, lower case, diacritics removed, punctuation dropped) so "Hãy subscribe cho
# kênh" and the undotted "hay subscribe cho kenh" Whisper writes when unsure both match.
# Each pattern must run to the end of the segment: it removes a segment's tail, never its middle.
_LEAD_IN = (
    r"(?:(?:va|nhe|cac ban|moi nguoi|ban|co the) )*(?:(?:hay|nho|dung quen|vui long|xin) )*(?:(?:an|nhan|bam|bat) )?"
)
_ANY_TAIL = r"(?: .*)?"
_SIGN_OFF_TAIL = r"(?: (?:va|nhe|nha|a|nhieu))*(?: hen gap lai(?: cac ban)?(?: .*)?)?"
_STRONG = (
    # Calls to subscribe / like / share: never said in a meeting, whatever follows is outro too.
    r"(?:subscribe|subcribe|sub) (?:cho |ung ho )?kenh" + _ANY_TAIL,
    r"(?:hay|nho|dung quen) (?:\w+ ){0,2}?(?:subscribe|subcribe|dang ky|dang ki) (?:cho |ung ho )?kenh" + _ANY_TAIL,
    r"(?:dang ky|dang ki) (?:cho )?kenh (?:de ung ho|cua minh|nhe|nha|de xem|de khong bo lo)" + _ANY_TAIL,
    r"(?:hay|nho|dung quen) (?:\w+ ){0,2}?(?:subscribe|subcribe)" + _ANY_TAIL,
    r"like (?:va )?(?:share|subscribe|sub|dang ky|dang ki)" + _ANY_TAIL,
    r"(?:bam|bat|nhan|an) (?:vao )?(?:nut )?chuong thong bao" + _ANY_TAIL,
    r"(?:de )?khong bo lo (?:nhung|cac) video" + _ANY_TAIL,
    r"ghien mi go" + _ANY_TAIL,
    r"(?:la la|lala) ?school" + _ANY_TAIL,
    # Subtitle credits.
    r"(?:vietsub|viet sub|subtitles?|sub|phu de|transcribed|translated|transcription) (?:by|boi|duoc thuc hien boi)"
    + _ANY_TAIL,
    r"vietsub" + _ANY_TAIL,
    r"(?:subtitles? )?(?:by )?(?:the )?amara org(?: community)?" + _ANY_TAIL,
    r"(?:thanks|thank you) for watching" + _ANY_TAIL,
)
_SOFT = (
    # Sign-offs a speaker could say: removed only as the whole tail, with nothing real after them.
    r"cam on (?:cac ban|moi nguoi|ban) (?:da|vi da) (?:theo doi|xem|dang ky|lang nghe va theo doi)"
    r"(?: (?:video|chuong trinh|kenh))?(?: (?:nay|cua (?:minh|chung toi)))?" + _SIGN_OFF_TAIL,
    r"cam on (?:da|vi da) (?:theo doi|xem)(?: video)?(?: (?:nay|cua minh))?" + _SIGN_OFF_TAIL,
    r"hen gap lai (?:cac ban )?(?:trong|o) (?:nhung|cac)? ?(?:video|tap) (?:tiep theo|sau)" + _ANY_TAIL,
)
PHANTOM_PATTERNS: tuple[str, ...] = _STRONG + _SOFT
"""Regular expressions over normalised text; each must match a whole tail of a segment. A lead-in
("các bạn hãy", "nhớ", "và") just before the phrase goes with it."""


@dataclass(frozen=True)
class HallucinationFilter:
    """The filters with their thresholds; `__call__` streams segments through all of them."""

    no_speech_threshold: float = 0.6
    """A segment whose no-speech probability exceeds this ..."""
    min_confidence: float = 0.4
    """... and whose confidence is below this is silence that Whisper filled in (exp(-1) ≈ 0.37 in Whisper)."""
    min_repeats: int = 4
    """An n-gram repeated back to back at least this many times is a decoding loop."""
    min_loop_words: int = 6
    """... provided the loop spans at least this many words ("vâng vâng vâng" is speech)."""
    max_ngram: int = 20
    """Longest repeated n-gram looked for (a whole sentence Whisper says again and again)."""
    compression_ratio_threshold: float = 2.4
    """Text compressing better than this (gzip) is degenerate (Whisper's value): any back-to-back repeat
    is then collapsed, and a segment still above it is dropped."""
    phantom_patterns: tuple[str, ...] = PHANTOM_PATTERNS
    """Tail phrases to remove (see `PHANTOM_PATTERNS`)."""

    def __call__(self, segments: Iterable[Segment]) -> Iterator[Segment]:
        for segment in segments:
            cleaned = self.clean(segment)
            if cleaned is not None:
                yield cleaned

    def clean(self, segment: Segment) -> Segment | None:
        """One segment through every filter; None when nothing real is left."""
        if is_no_speech(segment, threshold=self.no_speech_threshold, min_confidence=self.min_confidence):
            logger.info(
                "hallucination_dropped reason=no_speech start=%.2f no_speech_prob=%.2f confidence=%.2f text=%r",
                segment.start,
                getattr(segment, "no_speech_prob", 0.0),
                segment.confidence,
                segment.text,
            )
            return None
        result: Segment | None = strip_phantom_tail(segment, patterns=self.phantom_patterns)
        loops = {"min_loop_words": self.min_loop_words, "max_ngram": self.max_ngram}
        if result is not None:
            result = collapse_repetitions(result, min_repeats=self.min_repeats, **loops)
        if result is not None and compression_ratio(result.text) > self.compression_ratio_threshold:
            # Degenerate by Whisper's own measure: any back-to-back repeat is now a loop.
            result = collapse_repetitions(result, min_repeats=2, **loops)
        if result is not None and compression_ratio(result.text) > self.compression_ratio_threshold:
            logger.info(
                "hallucination_dropped reason=compression start=%.2f ratio=%.2f text=%r",
                result.start,
                compression_ratio(result.text),
                result.text[:80],
            )
            return None
        return result


def remove_hallucinations(segments: Iterable[Segment], *, guard: HallucinationFilter | None = None) -> list[Segment]:
    """Every segment through every filter (default thresholds unless `guard` says otherwise), in order."""
    return list((guard or HallucinationFilter())(segments))


def compression_ratio(text: str) -> float:
    """Length over gzip-compressed length, as Whisper measures repetitiveness."""
    data = text.encode("utf-8")
    return len(data) / len(zlib.compress(data)) if data else 0.0


def is_no_speech(segment: Segment, *, threshold: float = 0.6, min_confidence: float = 0.4) -> bool:
    """Whisper's silence rule: the model thinks there is no speech and is unsure of what it wrote."""
    no_speech_prob = getattr(segment, "no_speech_prob", None)
    if no_speech_prob is None:
        return False
    return float(no_speech_prob) > threshold and segment.confidence < min_confidence


def _norm_token(token: str) -> str:
    """A token as phantom phrases are matched: lower case, no diacritics, no punctuation."""
    return _NON_WORD.sub(" ", strip_diacritics(nfc(token)).casefold()).strip()


def _repeat_key(token: str) -> str:
    """A token as loops are compared: lower case and without punctuation, diacritics kept ("ma" ≠ "mà")."""
    return _NON_WORD.sub("", nfc(token).casefold())


def _tokens(segment: Segment) -> list[str]:
    return [w.text for w in segment.words] if segment.words else segment.text.split()


def _truncated(segment: Segment, keep: list[int]) -> Segment | None:
    """The segment reduced to the tokens at `keep` (indices into its words, or into its text's tokens).

    Only tails and repeats are ever removed, so the start stays; the end moves to the last kept word.
    """
    if not keep:
        return None
    if segment.words:
        words: list[Word] = [segment.words[i] for i in keep]
        text = " ".join(w.text for w in words)
        end = max(min(segment.end, words[-1].end), segment.start)
        return segment.model_copy(update={"words": words, "text": text, "end": end})
    tokens = segment.text.split()
    return segment.model_copy(update={"text": " ".join(tokens[i] for i in keep)})


@lru_cache(maxsize=8)
def _phantom_regexes(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(a fast search for any phrase anywhere, the full tail match with its lead-in)."""
    phrases = "|".join(f"(?:{p})" for p in patterns)
    return re.compile(rf"(?:^| )(?:{phrases})"), re.compile(rf"{_LEAD_IN}(?:{phrases})")


def strip_phantom_tail(segment: Segment, *, patterns: tuple[str, ...] = PHANTOM_PATTERNS) -> Segment | None:
    """Remove a known phantom phrase that is the whole segment or its tail; None if nothing is left."""
    anywhere, tail_match = _phantom_regexes(tuple(patterns))
    if not anywhere.search(_norm_token(segment.text)):
        return segment  # a phrase that ends the segment is a phrase somewhere: most segments stop here
    tokens = _tokens(segment)
    normed = [_norm_token(t) for t in tokens]
    for cut in range(len(tokens)):
        if not normed[cut]:
            continue  # a tail starts at a word, not at punctuation
        tail = " ".join(n for n in normed[cut:] if n)
        if tail_match.fullmatch(tail):
            logger.info(
                "hallucination_removed reason=phantom start=%.2f kept_words=%d phrase=%r",
                segment.start,
                cut,
                " ".join(tokens[cut:])[:80],
            )
            # Punctuation-only tokens just before the phantom go with it.
            keep = [i for i in range(cut) if any(normed[j] for j in range(i, cut))]
            return _truncated(segment, keep)
    return segment


def _loop_at(keys: list[str], i: int, *, min_repeats: int, min_loop_words: int, max_ngram: int) -> tuple[int, int]:
    """(n, repeats) of the longest back-to-back repetition starting at `i`, or (0, 0)."""
    best = (0, 0)
    for n in range(1, max_ngram + 1):
        if i + n * min_repeats > len(keys):
            break
        if keys[i + n] != keys[i]:  # cheap rejection: a loop's second occurrence starts like its first
            continue
        gram = keys[i : i + n]
        if not all(gram):
            continue
        repeats = 1
        while keys[i + repeats * n : i + (repeats + 1) * n] == gram:
            repeats += 1
        if repeats >= min_repeats and n * repeats >= min_loop_words and n * repeats > best[0] * best[1]:
            best = (n, repeats)
    return best


def collapse_repetitions(
    segment: Segment, *, min_repeats: int = 4, min_loop_words: int = 6, max_ngram: int = 20
) -> Segment | None:
    """Keep one occurrence of any n-gram looped back to back ("cảm ơn cảm ơn cảm ơn ..." → "cảm ơn")."""
    tokens = _tokens(segment)
    keys = [_repeat_key(t) for t in tokens]
    keep: list[int] = []
    loops = 0
    i = 0
    while i < len(tokens):
        n, repeats = _loop_at(keys, i, min_repeats=min_repeats, min_loop_words=min_loop_words, max_ngram=max_ngram)
        if n:
            keep.extend(range(i, i + n))
            logger.info(
                "hallucination_collapsed reason=loop start=%.2f ngram=%r repeats=%d",
                segment.start,
                " ".join(tokens[i : i + n]),
                repeats,
            )
            i += n * repeats
            loops += 1
        else:
            keep.append(i)
            i += 1
    if not loops:
        return segment
    return _truncated(segment, keep)
