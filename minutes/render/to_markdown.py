"""Minutes as Markdown: the same wording as the DOCX, each statement followed by its time in the recording."""

from __future__ import annotations

from minutes.model import Minutes
from minutes.render import wording


def _escape(text: str) -> str:
    """Characters that would start Markdown syntax at the beginning of a line or inside it."""
    return "".join(f"\\{c}" if c in "\\`*_[]<>#|" else c for c in text)


def render_markdown(minutes: Minutes) -> str:
    header = minutes.header
    out = [
        f"**{_escape(header.parent_body.upper() or wording.DOTS)}**  ",
        f"**{_escape(header.issuing_body.upper() or wording.DOTS)}**  ",
        _escape(wording.number_line(minutes)),
        "",
        f"**{wording.QUOC_HIEU}**  ",
        f"**<u>{wording.TIEU_NGU}</u>**",
        "",
        f"# {wording.TITLE}",
        "",
        f"## {_escape(minutes.meeting_name or wording.DOTS)}",
        "",
    ]
    out += [f"- **{label}:** {_escape(value)}" for label, value in wording.fields(minutes)]
    out += ["", f"**{wording.CONTENT_HEADING}**", ""]
    for line in wording.content(minutes):
        text = _escape(line.text)
        if line.kind == "item":
            out += ["", f"### {text}", ""]
        elif line.kind == "label":
            out += ["", f"*{text}*", ""]
        else:
            at = f" `[{wording.cited_at(line.source)}]`" if line.source is not None else ""
            out.append(f"- {text}{at}")
    out += ["", *(f"{_escape(t)}\n" for t in wording.closing(minutes))]
    (left, left_signs, left_name), (right, right_signs, right_name) = wording.signatures(minutes)
    out += [
        f"| **{left}** | **{right}** |",
        "|:---:|:---:|",
        f"| *{left_signs}* | *{right_signs}* |",
        f"| **{_escape(left_name or wording.DOTS)}** | **{_escape(right_name or wording.DOTS)}** |",
        "",
        "***Nơi nhận:***",
        "",
    ]
    out += [f"{_escape(r)}  " for r in wording.recipients(minutes)]
    return "\n".join(out).rstrip() + "\n"
