"""The conclusion unit set's format and split, and how the benchmark scores it."""

from __future__ import annotations

from benchmarks.minutes_conclusions import ConclusionUnit, read_units, score
from benchmarks.unit_sets import part_of_line
from core.text import nfc


def test_the_set_is_split_by_its_fixed_hash_and_holds_look_alikes_beside_conclusions() -> None:
    units = read_units()
    texts = [" | ".join(u.sentences) for u in units]
    assert len(units) >= 200 and len(set(texts)) == len(units)
    assert all(u.part == part_of_line(t) and t == nfc(t) for u, t in zip(units, texts, strict=True))
    assert 0.6 < sum(u.part == "dev" for u in units) / len(units) < 0.8
    assert {u.style for u in units} == {"written", "asr"} and any(not u.chair for u in units)
    gold = [g for u in units for g in u.gold]
    assert 0.3 < gold.count(False) / len(gold) < 0.6
    assert not any(g for u in units if not u.chair for g in u.gold)  # a member never concludes


def test_sentences_are_scored_one_by_one_and_a_member_concluding_is_counted_false() -> None:
    chair = ConclusionUnit(
        "dev", "ubnd", True, "written", ("Tôi xin kết luận.", "Thống nhất.", "Cảm ơn."), (False, True, True)
    )
    member = ConclusionUnit("dev", "ubnd", False, "asr", ("tôi thống nhất",), (False,))
    scored = score([chair, member], [(False, True, False), (True,)])
    assert (scored["right"], scored["predicted"], scored["gold"], scored["false on member"]) == (1, 2, 2, 1)
    assert scored["precision"] == 0.5 and scored["recall"] == 0.5
