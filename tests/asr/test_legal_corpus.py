"""The legal corpus reader: list markers are layout, not speech, so they are not part of a line's text."""

from __future__ import annotations

import gzip
from pathlib import Path

from asr.legal_corpus import lines


def test_list_markers_are_removed_from_the_start_of_a_line(tmp_path: Path) -> None:
    corpus = tmp_path / "laws.txt.gz"
    written = [
        "Điều 1. Phạm vi điều chỉnh",
        "1- Giải quyết khiếu nại đúng hạn",
        "“2. Đối với hàng hóa xuất khẩu",
        "b4) Loại 4: chất lượng yếu kém",
        "4.Ký hiệu theo tỷ lệ bản đồ",
        "(3) Ba bản sao hợp lệ",
        "1.000 đồng là mức thu",
        "2,5 mét là chiều rộng tối thiểu",
    ]
    with gzip.open(corpus, "wt", encoding="utf-8") as f:
        f.write("\n".join(written) + "\n")
    assert [line.text for line in lines(corpus)] == [
        "Điều 1. Phạm vi điều chỉnh",
        "Giải quyết khiếu nại đúng hạn",
        "Đối với hàng hóa xuất khẩu",
        "Loại 4: chất lượng yếu kém",
        "Ký hiệu theo tỷ lệ bản đồ",
        "Ba bản sao hợp lệ",
        "1.000 đồng là mức thu",
        "2,5 mét là chiều rộng tối thiểu",
    ]
