"""Minutes as a Word document laid out as Mẫu 1.9 of Nghị định 30/2020/NĐ-CP (Phụ lục III, Biên bản).

A4; margins top and bottom 20 mm, left 30 mm, right 15 mm; Times New Roman 13 pt (the style of
`core.export.administrative_document`). Header in two borderless columns: the bodies and the
number on the left; Quốc hiệu (bold capitals) and Tiêu ngữ (bold, underlined) on the right.
Body justified with a 1 cm first-line indent. Signature blocks THƯ KÝ (left) and CHỦ TỌA
(right), then "Nơi nhận". Page numbers centred in the top margin from page 2 on (Điều 14 of
Phụ lục I: the first page shows none).
"""

from __future__ import annotations

import io

from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from core.export import administrative_document
from minutes.model import Minutes
from minutes.render import wording

PAGE_WIDTH = Mm(210)
PAGE_HEIGHT = Mm(297)
MARGIN_TOP = Mm(20)
MARGIN_BOTTOM = Mm(20)
MARGIN_LEFT = Mm(30)
MARGIN_RIGHT = Mm(15)
FIRST_LINE_INDENT = Cm(1)
HEADER_LEFT = Cm(6)
HEADER_RIGHT = Cm(10.5)
"""The two header columns fill the 165 mm between the margins."""
SIZE_HEADER = Pt(12)
"""Quốc hiệu and the bodies' names: 12-13 pt in the decree."""
SIZE_BODY = Pt(13)
SIZE_TITLE = Pt(14)
SIZE_RECIPIENTS = Pt(11)
_CENTER = WD_ALIGN_PARAGRAPH.CENTER
_JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY


def _paragraph(
    container: DocxDocument | _Cell,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    size: Pt | None = None,
    align: WD_ALIGN_PARAGRAPH | None = None,
    indent: bool = False,
    space_after: float = 0,
    first: bool = False,
) -> Paragraph:
    """A paragraph of one run; `space_after` in points. `first`: write into the empty paragraph a table cell
    starts with, rather than leave a blank line above."""
    paragraph = container.paragraphs[0] if first else container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(space_after)
    if indent:
        paragraph.paragraph_format.first_line_indent = FIRST_LINE_INDENT
    if text:
        run = paragraph.add_run(text)
        run.bold = bold
        run.italic = italic
        run.underline = underline
        if size is not None:
            run.font.size = size
    return paragraph


def _page_number(paragraph: Paragraph) -> None:
    """A PAGE field, computed by the word processor."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind is not None:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _layout(document: DocxDocument) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    section.different_first_page_header_footer = True
    number = section.header.paragraphs[0]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number(number)


def _header(document: DocxDocument, minutes: Minutes) -> None:
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    left, right = table.rows[0].cells
    for column, cell, width in zip(table.columns, (left, right), (HEADER_LEFT, HEADER_RIGHT), strict=True):
        column.width = cell.width = width  # Word reads the cells, LibreOffice the grid
    header = minutes.header
    _paragraph(left, header.parent_body.upper() or wording.DOTS, size=SIZE_HEADER, align=_CENTER, first=True)
    _paragraph(left, header.issuing_body.upper() or wording.DOTS, bold=True, size=SIZE_HEADER, align=_CENTER)
    _paragraph(left, wording.number_line(minutes), size=SIZE_BODY, align=_CENTER)
    _paragraph(right, wording.QUOC_HIEU, bold=True, size=SIZE_HEADER, align=_CENTER, first=True)
    _paragraph(right, wording.TIEU_NGU, bold=True, underline=True, size=SIZE_BODY, align=_CENTER)


def _signatures(document: DocxDocument, minutes: Minutes) -> None:
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, (title, signs, name) in zip(table.rows[0].cells, wording.signatures(minutes), strict=True):
        _paragraph(cell, title, bold=True, size=SIZE_BODY, align=_CENTER, first=True)
        _paragraph(cell, signs, italic=True, size=SIZE_BODY, align=_CENTER)
        for _ in range(3):
            _paragraph(cell, align=_CENTER)
        _paragraph(cell, name or wording.DOTS, bold=True, size=SIZE_BODY, align=_CENTER)


def render_docx(minutes: Minutes) -> bytes:
    document = administrative_document(f"Biên bản {minutes.meeting_name}".strip())
    _layout(document)
    _header(document, minutes)

    _paragraph(document)
    _paragraph(document, wording.TITLE, bold=True, size=SIZE_TITLE, align=_CENTER)
    _paragraph(document, minutes.meeting_name or wording.DOTS, bold=True, size=SIZE_BODY, align=_CENTER)
    _paragraph(document, space_after=6)

    for label, value in wording.fields(minutes):
        paragraph = _paragraph(document, align=_JUSTIFY, indent=True, space_after=6)
        paragraph.add_run(f"{label}: ")
        paragraph.add_run(value)
    _paragraph(document, wording.CONTENT_HEADING, align=_JUSTIFY, indent=True, space_after=6)
    for line in wording.content(minutes):
        prefix = "- " if line.kind == "entry" else ""
        _paragraph(
            document,
            prefix + line.text,
            bold=line.kind == "item",
            italic=line.kind == "label",
            align=_JUSTIFY,
            indent=True,
            space_after=6,
        )
    for text in wording.closing(minutes):
        _paragraph(document, text, align=_JUSTIFY, indent=True, space_after=6)
    _paragraph(document)
    _signatures(document, minutes)

    _paragraph(document)
    _paragraph(document, "Nơi nhận:", bold=True, italic=True, size=Pt(12))
    for recipient in wording.recipients(minutes):
        _paragraph(document, recipient, size=SIZE_RECIPIENTS)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
