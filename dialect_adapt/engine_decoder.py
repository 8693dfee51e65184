"""The beam decoder the vietasr engine uses when `GOBANG_ADAPT__BEAM=true`.

The language model is, in order: the configured file (`GOBANG_ADAPT__LM_PATH`), the one
`gobang adapt lm-build` or `lm-train` wrote into the home, or the shipped syllable trigram of the
legal corpus (which `gobang adapt lm-build` remakes).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib.resources import as_file, files
from pathlib import Path

from core.settings import AdaptSettings, get_settings
from dialect_adapt.beam import BeamSettings, CtcBeamDecoder
from dialect_adapt.lm import BackoffLM, LanguageModel, NgramLM

SHIPPED_LM = "lm_legal_vi.arpa.gz"
"""Syllable trigram of the legal corpus's training documents plus the dictionary and gazetteer (public-domain
legal text, Law on Intellectual Property Art. 15; pyvi's MIT word list)."""


def default_lm_path() -> Path:
    """Where `gobang adapt lm-train` writes (`lm-build` writes `built_lm_path()`)."""
    return get_settings().adapt.lm_path or get_settings().home / "adapt" / "lm.json.gz"


def built_lm_path() -> Path:
    """Where `gobang adapt lm-build` writes the corpus LM."""
    return get_settings().adapt.lm_path or get_settings().home / "adapt" / "lm.arpa.gz"


def read_lm(path: Path) -> LanguageModel:
    """An ARPA model (`.arpa`, `.arpa.gz`) or one saved by `NgramLM.save`."""
    return BackoffLM.load(path) if ".arpa" in path.name else NgramLM.load(path)


@cache
def shipped_lm() -> BackoffLM:
    """The legal-corpus trigram shipped with gobang (loaded once a process)."""
    with as_file(files("dialect_adapt").joinpath("data", SHIPPED_LM)) as path:
        return BackoffLM.load(path)


def load_lm(path: Path | None = None) -> LanguageModel:
    """`path` (it must exist), else what `lm-build` or `lm-train` wrote into the home, else the shipped model."""
    if path is not None:
        return read_lm(path)
    for made in (built_lm_path(), default_lm_path()):
        if made.exists():
            return read_lm(made)
    return shipped_lm()


def build_decoder(tokens: Sequence[str], settings: AdaptSettings | None = None) -> CtcBeamDecoder:
    settings = settings or get_settings().adapt
    beam = BeamSettings(
        beam_width=settings.beam_width,
        alpha=settings.alpha,
        beta=settings.beta,
        hotword_bonus=settings.hotword_bonus,
    )
    return CtcBeamDecoder(tokens, lm=load_lm(settings.lm_path), settings=beam)
