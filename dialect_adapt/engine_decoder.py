"""The beam decoder the vietasr engine uses when `GOBANG_ADAPT__BEAM=true`.

The language model is the one `gobang adapt lm-train` wrote, or, where none exists yet, the
dictionary + gazetteer model, trained once (seconds) and saved for the next run.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from core.settings import AdaptSettings, get_settings
from dialect_adapt.beam import BeamSettings, CtcBeamDecoder
from dialect_adapt.corpus import train_lm
from dialect_adapt.lm import NgramLM

logger = logging.getLogger(__name__)


def default_lm_path() -> Path:
    return get_settings().adapt.lm_path or get_settings().home / "adapt" / "lm.json.gz"


def load_lm(path: Path | None = None) -> NgramLM:
    """The configured LM; the dictionary model is trained and saved if there is none."""
    path = path or default_lm_path()
    if path.exists():
        return NgramLM.load(path)
    logger.info("training dictionary language model path=%s", path)
    lm = train_lm()
    lm.save(path)
    return lm


def build_decoder(tokens: Sequence[str], settings: AdaptSettings | None = None) -> CtcBeamDecoder:
    settings = settings or get_settings().adapt
    beam = BeamSettings(
        beam_width=settings.beam_width,
        alpha=settings.alpha,
        beta=settings.beta,
        hotword_bonus=settings.hotword_bonus,
    )
    return CtcBeamDecoder(tokens, lm=load_lm(settings.lm_path), settings=beam)
