"""The vote-announcement unit set's format and split, and how the benchmark scores it."""

from __future__ import annotations

from benchmarks.minutes_votes import UNITS, GoldVote, VoteUnit, read_units, score
from benchmarks.unit_sets import part_of_line
from core.text import nfc
from minutes.model import SegmentRef, Vote


def test_the_set_is_split_by_its_fixed_hash_and_holds_every_kind_of_passage() -> None:
    lines = UNITS.read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t") == [
        "part", "kind", "style", "in_favour", "against", "abstain", "total", "passed", "text"
    ]  # fmt: skip
    units = read_units()
    assert len(units) >= 250 and len({u.text for u in units}) == len(units)
    assert all(u.part == part_of_line(u.text) and u.text == nfc(u.text) for u in units)
    assert 0.6 < sum(u.part == "dev" for u in units) / len(units) < 0.8
    assert {u.style for u in units} == {"written", "asr"}
    without = sum(not u.votes for u in units)
    assert 0.25 < without / len(units) < 0.5  # look-alikes beside the votes
    assert sum(len(u.votes) == 2 for u in units) >= 5


def test_a_vote_is_exact_only_with_every_field_and_one_on_a_passage_without_is_false() -> None:
    ref = [SegmentRef(id=0, start=0.0, end=1.0)]
    gold = VoteUnit("dev", "hdnd", "written", "…", (GoldVote(20, 1, None, 21, True),))
    empty = VoteUnit("dev", "hdnd", "written", "…", ())
    right = Vote(motion="m", in_favour=20, against=1, total=21, passed=True, source_segments=ref)
    no_result = right.model_copy(update={"passed": None})
    scored = score([gold, empty], [[no_result], [right]])
    assert (scored["exact"], scored["predicted"], scored["false on no-vote"]) == (0, 2, 1)
    assert scored["in_favour acc"] == 1.0 and scored["passed acc"] == 0.0
    assert score([gold], [[right]])["F1"] == 1.0
