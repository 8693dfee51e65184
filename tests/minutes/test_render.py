"""Rendering: DOCX read back for the layout of Mẫu 1.9 (Nghị định 30/2020/NĐ-CP), LibreOffice PDF, Markdown, HTML."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from core.transcript import Transcript
from minutes.generate import generate
from minutes.model import Minutes, MinutesMeta
from minutes.render import render


@pytest.fixture(scope="module")
def minutes(meeting: Transcript, meeting_meta: MinutesMeta) -> Minutes:
    return generate(meeting, meeting_meta)


@pytest.fixture(scope="module")
def document(minutes: Minutes) -> docx.document.Document:
    return docx.Document(io.BytesIO(render(minutes, "docx")))


def test_page_a4_margins_and_font(document: docx.document.Document) -> None:
    section = document.sections[0]
    assert section.page_width and section.page_height and section.top_margin and section.bottom_margin
    assert section.left_margin and section.right_margin
    # Word stores twentieths of a point: compare in millimetres, to a tenth
    assert (section.page_width.mm, section.page_height.mm) == (pytest.approx(210, abs=0.1), pytest.approx(297, abs=0.1))
    assert 19.9 <= section.top_margin.mm <= 25.1 and 19.9 <= section.bottom_margin.mm <= 25.1
    assert 29.9 <= section.left_margin.mm <= 35.1 and 14.9 <= section.right_margin.mm <= 20.1
    normal = document.styles["Normal"].font
    assert normal.name == "Times New Roman" and Pt(13) <= normal.size <= Pt(14)


def test_header_quoc_hieu_tieu_ngu_and_number(document: docx.document.Document) -> None:
    left, right = document.tables[0].rows[0].cells
    quoc_hieu, tieu_ngu = right.paragraphs[0].runs[0], right.paragraphs[1].runs[0]
    assert quoc_hieu.text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and quoc_hieu.bold
    assert tieu_ngu.text == "Độc lập - Tự do - Hạnh phúc" and tieu_ngu.bold and tieu_ngu.underline
    assert [p.text for p in left.paragraphs] == [
        "HỘI ĐỒNG NHÂN DÂN TỈNH ĐỒNG NAI",
        "HỘI ĐỒNG NHÂN DÂN HUYỆN TÂN PHÚ",
        "Số: 12/BB-HĐND",
    ]
    assert left.paragraphs[1].runs[0].bold


def test_title_fields_body_and_closing(document: docx.document.Document) -> None:
    texts = [p.text for p in document.paragraphs]
    title = texts.index("BIÊN BẢN")
    assert document.paragraphs[title].alignment == WD_ALIGN_PARAGRAPH.CENTER and document.paragraphs[title].runs[0].bold
    assert texts[title + 1].startswith("Kỳ họp thứ mười hai")
    for label in ("Thời gian bắt đầu: 8 giờ 00 phút", "Địa điểm:", "Thành phần tham dự:", "Chủ trì (chủ tọa):"):
        assert any(t.startswith(label) for t in texts), label
    recipients = texts.index("Nơi nhận:")
    body = [p for p in document.paragraphs[:recipients] if p.text.startswith("- ")]
    assert len(body) > 10
    for paragraph in body:
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
        indent = paragraph.paragraph_format.first_line_indent
        assert indent is not None and indent.cm == pytest.approx(1, abs=0.01)
    assert "Cuộc họp kết thúc vào 8 giờ 10 phút, ngày 8 tháng 7 năm 2025." in texts
    assert any("tán thành 29/30, không tán thành 1" in t for t in texts)
    assert "Nơi nhận:" in texts and "- Lưu: VT, hồ sơ." in texts


def test_signature_blocks_secretary_left_chair_right(document: docx.document.Document) -> None:
    left, right = document.tables[-1].rows[0].cells
    assert left.paragraphs[0].text == "THƯ KÝ" and left.paragraphs[0].runs[0].bold
    assert right.paragraphs[0].text == "CHỦ TỌA"
    assert left.paragraphs[-1].text == "Trần Thị Bình" and right.paragraphs[-1].text == "Nguyễn Văn An"


def test_page_numbers_from_page_two(document: docx.document.Document) -> None:
    section = document.sections[0]
    assert section.different_first_page_header_footer
    numbered = section.header.paragraphs[0]
    assert numbered.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert "PAGE" in "".join(e.text or "" for e in numbered._p.iter(qn("w:instrText")))
    assert not "".join(p.text for p in section.first_page_header.paragraphs).strip()


def test_pdf_through_libreoffice(minutes: Minutes, tmp_path: Path) -> None:
    soffice, pdftotext = shutil.which("soffice"), shutil.which("pdftotext")
    assert soffice and pdftotext, "LibreOffice and poppler-utils are installed by .ci/run"
    (tmp_path / "bien-ban.docx").write_bytes(render(minutes, "docx"))
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf", "--outdir",
         str(tmp_path), str(tmp_path / "bien-ban.docx")],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    info = subprocess.run(["pdfinfo", str(tmp_path / "bien-ban.pdf")], check=True, capture_output=True, text=True)
    pages = int(next(line.split()[-1] for line in info.stdout.splitlines() if line.startswith("Pages:")))
    assert 2 <= pages <= 4
    text = subprocess.run(
        [pdftotext, "-layout", str(tmp_path / "bien-ban.pdf"), "-"], check=True, capture_output=True, text=True
    ).stdout
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "BIÊN BẢN", "Số: 12/BB-HĐND", "THƯ KÝ", "CHỦ TỌA"):
        assert expected in text
    first_page = text.split("\f")[0]
    assert "\n2\n" not in first_page.replace(" ", "")  # no number on page 1
    assert text.split("\f")[1].strip().startswith("2")  # page 2 is numbered at the top


def test_markdown_and_html_carry_sources(minutes: Minutes) -> None:
    markdown = render(minutes, "md").decode("utf-8")
    assert "# BIÊN BẢN" in markdown and "**<u>Độc lập - Tự do - Hạnh phúc</u>**" in markdown
    assert "### 2. Xem xét Tờ trình" in markdown and "`[00:" in markdown
    html = render(minutes, "html").decode("utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<html lang="vi">' in html
    assert 'data-segments="20,21"' in html and "Cuộc họp kết thúc vào 8 giờ 10 phút" in html
    with pytest.raises(ValueError, match="unknown minutes format"):
        render(minutes, "pdf")
