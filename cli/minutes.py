"""`gobang minutes`: a transcript (JSON) to minutes (biên bản) in DOCX, Markdown and HTML."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, TypeVar

import pydantic
import typer
from rich.console import Console
from rich.markup import escape

from cli.errors import one_line_errors
from cli.inputs import read_text
from core.errors import InvalidInputError
from core.files import refuse_overwrite, write_atomic
from core.settings import get_settings

console = Console()

MINUTES_SUFFIX = ".bien-ban"
"""Minutes files are `<stem>.bien-ban.<fmt>`: the transcript's own exports (`<stem>.docx`) stay untouched."""


M = TypeVar("M", bound=pydantic.BaseModel)


def _parse(model: type[M], path: Path, what: str) -> M:
    try:
        return model.model_validate_json(read_text(path, what))
    except pydantic.ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidInputError(f"{what} không hợp lệ ở {where}: {first['msg']} (invalid JSON)", path=path) from exc


def _formats(value: str) -> list[str]:
    from minutes.render import FORMATS

    chosen = [f.strip().lower().lstrip(".") for f in value.split(",") if f.strip()]
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise typer.BadParameter(
            f"định dạng không hỗ trợ: {', '.join(unknown) or '(trống)'}; chọn trong {','.join(FORMATS)}"
        )
    return chosen


@one_line_errors
def minutes_command(
    transcript: Annotated[Path, typer.Argument(help="Bản gỡ băng dạng JSON (gobang transcribe --format json).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Thư mục ghi biên bản (output folder).")],
    meta: Annotated[
        Path | None,
        typer.Option(help="Thông tin cuộc họp dạng JSON: header, meeting_name, meeting_date, start_time, chair, …"),
    ] = None,
    generator: Annotated[
        str | None,
        typer.Option(help="extractive (mặc định, không cần mô hình ngôn ngữ) hoặc llm (cần GOBANG_MINUTES__LLM_URL)."),
    ] = None,
    formats: Annotated[str, typer.Option("--format", "-f", help="docx, md, html; phân cách bằng dấu phẩy.")] = "docx",
    force: Annotated[
        bool, typer.Option("--force", help="Ghi đè tệp biên bản đã có trong OUT (overwrite existing files).")
    ] = False,
) -> None:
    """Lập biên bản cuộc họp (Mẫu 1.9, Nghị định 30/2020/NĐ-CP) từ bản gỡ băng có người nói.

    Mỗi ý trong biên bản dẫn về các đoạn của bản gỡ băng (source_segments); tệp ghi ra là OUT/<tên>.bien-ban.docx
    (.md, .html) và OUT/<tên>.bien-ban.json (biên bản có cấu trúc để sửa tiếp), không trùng tên với bản gỡ băng;
    tệp đã có thì không ghi đè nếu không có --force.
    """
    # imported here, not at the top: they take seconds (scikit-learn) that every other command would wait for
    from core.transcript import Transcript
    from minutes.generate import generate
    from minutes.model import MinutesMeta
    from minutes.render import render

    chosen = _formats(formats)
    settings = get_settings()
    source = _parse(Transcript, transcript, "bản gỡ băng")
    details = _parse(MinutesMeta, meta, "thông tin cuộc họp") if meta else None
    result = generate(source, details, generator=generator or settings.minutes.generator, settings=settings.minutes)
    stem = out / (transcript.name.removesuffix(".json") + MINUTES_SUFFIX)
    files = [(stem.with_name(f"{stem.name}.{fmt}"), render(result, fmt)) for fmt in chosen]
    files.append((stem.with_name(f"{stem.name}.json"), result.model_dump_json(indent=2).encode("utf-8")))
    if not force:
        refuse_overwrite([path for path, _ in files])
    for path, data in files:
        write_atomic(path, data)
    written = [path for path, _ in files]
    stats = result.stats
    console.print(
        f"Biên bản: {len(result.items)} mục, {stats.generator}, {stats.seconds:.2f} s"
        + (f", bỏ {stats.dropped_uncited} ý không có căn cứ" if stats.dropped_uncited else "")
    )
    for path in written:
        console.print(escape(str(path)))
