"""Shared fixtures: real evaluation audio from ../shared/evaldata, referenced by path, never copied."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EVALDATA = Path(os.environ.get("GOBANG_EVALDATA", REPO.parent / "shared" / "evaldata"))


def manifest(name: str) -> list[dict[str, str]]:
    """Rows of an evaldata set's MANIFEST.tsv, with `audio_path` made absolute."""
    folder = EVALDATA / name
    with (folder / "MANIFEST.tsv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    for row in rows:
        row["audio_path"] = str(folder / row["audio_path"])
    return rows


@pytest.fixture(scope="session")
def evaldata() -> Path:
    if not EVALDATA.is_dir():
        pytest.fail(f"evaluation data not found at {EVALDATA} (set GOBANG_EVALDATA)")
    return EVALDATA


@pytest.fixture(scope="session")
def vivos_rows(evaldata: Path) -> list[dict[str, str]]:
    return manifest("vi_vivos_dev01_8utt")


@pytest.fixture(scope="session")
def cv_rows(evaldata: Path) -> list[dict[str, str]]:
    return manifest("cv9_vi_dev")


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test session gets its own GOBANG_HOME, but models are shared (built once per machine)."""
    from core.settings import get_settings

    home = tmp_path_factory.getbasetemp() / "gobang-home"
    monkeypatch.setenv("GOBANG_HOME", str(home))
    get_settings.cache_clear()
