"""Minutes as a standalone HTML page: the DOCX's layout in CSS, each statement linked to its place in the recording.

Each statement carries `data-segments` (the transcript segment ids) and `data-start` (seconds),
so an editor page can seek the audio when the clerk clicks it.
"""

from __future__ import annotations

from html import escape

from minutes.model import Minutes
from minutes.render import wording

_CSS = """
body { font-family: "Times New Roman", Times, serif; font-size: 13pt; max-width: 165mm; margin: 20mm auto;
       line-height: 1.35; }
.head { display: flex; justify-content: space-between; text-align: center; }
.head .left { width: 40%; } .head .right { width: 58%; }
.bold { font-weight: bold; } .tieu-ngu { font-weight: bold; text-decoration: underline; }
h1 { font-size: 14pt; text-align: center; margin: 1.2em 0 0; } h2 { font-size: 13pt; text-align: center; margin: 0; }
h3 { font-size: 13pt; margin: 0.8em 0 0.2em; }
p, li { text-align: justify; } p.body { text-indent: 1cm; }
.at { font-size: 10pt; color: #555; text-decoration: none; margin-left: 0.4em; }
.signatures { display: flex; justify-content: space-between; text-align: center; margin-top: 2em; }
.signatures div { width: 45%; } .signatures .name { margin-top: 4em; font-weight: bold; }
.recipients { font-size: 11pt; margin-top: 2em; }
"""


def _entry(line: wording.Line) -> str:
    if line.source is None:
        return f"<li>{escape(line.text)}</li>"
    ids = ",".join(str(r.id) for r in line.source.source_segments)
    start = min(r.start for r in line.source.source_segments)
    at = wording.cited_at(line.source)
    return (
        f'<li data-segments="{ids}" data-start="{start:.2f}">{escape(line.text)}'
        f'<a class="at" href="#t={start:.2f}">[{at}]</a></li>'
    )


def render_html(minutes: Minutes) -> str:
    header = minutes.header
    parts = [
        "<!DOCTYPE html>",
        '<html lang="vi"><head><meta charset="utf-8">',
        f"<title>{escape(wording.TITLE)} {escape(minutes.meeting_name)}</title>",
        f"<style>{_CSS}</style></head><body>",
        '<div class="head"><div class="left">',
        f"<div>{escape(header.parent_body.upper() or wording.DOTS)}</div>",
        f'<div class="bold">{escape(header.issuing_body.upper() or wording.DOTS)}</div>',
        f"<div>{escape(wording.number_line(minutes))}</div>",
        '</div><div class="right">',
        f'<div class="bold">{wording.QUOC_HIEU}</div><div class="tieu-ngu">{wording.TIEU_NGU}</div>',
        "</div></div>",
        f"<h1>{wording.TITLE}</h1><h2>{escape(minutes.meeting_name or wording.DOTS)}</h2>",
    ]
    parts += [f'<p class="body">{escape(label)}: {escape(value)}</p>' for label, value in wording.fields(minutes)]
    parts.append(f'<p class="body">{escape(wording.CONTENT_HEADING)}</p>')
    in_list = False
    for line in wording.content(minutes):
        if line.kind == "entry":
            if not in_list:
                parts.append("<ul>")
                in_list = True
            parts.append(_entry(line))
            continue
        if in_list:
            parts.append("</ul>")
            in_list = False
        parts.append(f"<h3>{escape(line.text)}</h3>" if line.kind == "item" else f"<p><em>{escape(line.text)}</em></p>")
    if in_list:
        parts.append("</ul>")
    parts += [f'<p class="body">{escape(text)}</p>' for text in wording.closing(minutes)]
    parts.append('<div class="signatures">')
    for title, signs, name in wording.signatures(minutes):
        parts.append(
            f'<div><div class="bold">{title}</div><div><em>{signs}</em></div>'
            f'<div class="name">{escape(name or wording.DOTS)}</div></div>'
        )
    parts.append('</div><div class="recipients"><div class="bold"><em>Nơi nhận:</em></div>')
    parts += [f"<div>{escape(r)}</div>" for r in wording.recipients(minutes)]
    parts.append("</div></body></html>")
    return "\n".join(parts) + "\n"
