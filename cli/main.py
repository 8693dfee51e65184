"""The ``gobang`` command: transcribe folders of recordings, manage models.

User-facing output goes through rich only (stdout for results, stderr for progress and logs);
domain errors are shown as one line and end the command with their exit code.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast, get_args

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from cli.adapt import adapt_app
from cli.errors import INTERRUPTED_EXIT, err_console, one_line_errors
from cli.inputs import read_glossary
from cli.logs import configure_logging
from cli.minutes import minutes_command
from cli.search import search_app
from cli.service import keys_app, serve_command, users_app, worker_command
from cli.text import text_app
from cli.voiceprints import voiceprints_app
from core.errors import ConfigError, InvalidInputError, ModelError, NotFoundError
from core.export import DEFAULT_FORMATS, FORMATS
from core.settings import EngineName, get_settings
from core.text import nfc
from models import is_cached, list_models, verify

if TYPE_CHECKING:
    from pydantic import ValidationError

    from workers.batch import BatchReport

ENGINES: tuple[str, ...] = get_args(EngineName)

console = Console()

app = typer.Typer(
    name="gobang",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
models_app = typer.Typer(help="Mô hình nhận dạng: liệt kê và kiểm tra (models).", no_args_is_help=True)
app.add_typer(models_app, name="models")
app.add_typer(adapt_app, name="adapt")
app.command("serve")(serve_command)
app.command("worker")(worker_command)
app.command("minutes")(minutes_command)
app.add_typer(users_app, name="users")
app.add_typer(keys_app, name="keys")
app.add_typer(voiceprints_app, name="voiceprints")
app.add_typer(text_app, name="text")
app.add_typer(search_app, name="search")


@app.callback()
@one_line_errors
def main() -> None:
    """Gỡ băng: chuyển bản ghi âm cuộc họp tiếng Việt thành văn bản và biên bản (transcripts and minutes).

    Cấu hình qua biến môi trường GOBANG_* (ví dụ GOBANG_ASR__ENGINE=whisper, GOBANG_LOG_LEVEL=WARNING).
    """
    from pydantic import ValidationError

    try:
        settings = get_settings()
    except ValidationError as exc:
        raise ConfigError(f"cấu hình GOBANG_* không hợp lệ (invalid settings): {_problems(exc)}") from None
    configure_logging(settings.log_level, err_console)


def _problems(exc: ValidationError) -> str:
    """Each failed field and why, on one line."""
    return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())


def _split(value: str | None) -> tuple[str, ...]:
    """`"a, b,,c"` -> `("a", "b", "c")`, NFC."""
    return tuple(nfc(part.strip()) for part in (value or "").split(",") if part.strip())


def _formats(value: str) -> str:
    unknown = [f for f in _split(value.lower()) if f not in FORMATS]
    if unknown or not _split(value):
        raise typer.BadParameter(
            f"định dạng không hỗ trợ: {', '.join(unknown) or '(trống)'}; chọn trong {','.join(FORMATS)}"
        )
    return value


def _engine(value: str | None) -> str | None:
    if value is not None and value not in ENGINES:
        raise typer.BadParameter(f"không có engine '{value}'; chọn {' hoặc '.join(ENGINES)}")
    return value


@app.command()
@one_line_errors
def transcribe(
    paths: Annotated[
        list[Path], typer.Argument(help="Tệp ghi âm hoặc thư mục (quét cả thư mục con) (files or folders).")
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Thư mục kết quả; giữ nguyên cấu trúc thư mục con (output folder).")
    ],
    formats: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="Định dạng xuất, phân cách bằng dấu phẩy (formats); rttm cần --diarize.",
            callback=_formats,
        ),
    ] = ",".join(DEFAULT_FORMATS),
    engine: Annotated[
        str | None,
        typer.Option(help=f"Engine nhận dạng: {' | '.join(ENGINES)} (mặc định theo cấu hình).", callback=_engine),
    ] = None,
    model: Annotated[
        str | None, typer.Option(help="Tên mô hình trong danh mục hoặc thư mục mô hình (model name or directory).")
    ] = None,
    language: Annotated[str | None, typer.Option("--language", "-l", help="Ngôn ngữ bản ghi (mặc định: vi).")] = None,
    hotwords: Annotated[
        str | None, typer.Option(help='Từ/tên cần ưu tiên, phân cách bằng dấu phẩy, ví dụ "Hội đồng,Phường 5".')
    ] = None,
    glossary: Annotated[
        Path | None,
        typer.Option(help="Tệp thuật ngữ và tên riêng, mỗi dòng một mục (glossary file).", dir_okay=False),
    ] = None,
    diarize: Annotated[
        bool,
        typer.Option(
            "--diarize", help="Phân biệt người nói; người đã ghi danh giọng được gọi đúng tên (who spoke when)."
        ),
    ] = False,
    num_speakers: Annotated[
        int | None, typer.Option(min=1, help="Số người nói đã biết chắc (exact speaker count).")
    ] = None,
    min_speakers: Annotated[int | None, typer.Option(min=1, help="Số người nói ít nhất (at least).")] = None,
    max_speakers: Annotated[int | None, typer.Option(min=1, help="Số người nói nhiều nhất (at most).")] = None,
    written_form: Annotated[
        bool | None,
        typer.Option(
            "--written-form/--no-written-form",
            help="Dạng viết: số, dấu câu, chữ hoa (written form); mặc định: GOBANG_TEXT__WRITTEN_FORM.",
        ),
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", "-j", min=1, help="Số tiến trình chạy song song (parallel workers).")
    ] = 1,
    force: Annotated[bool, typer.Option("--force", help="Làm lại cả những tệp đã xong (redo done files).")] = False,
) -> None:
    """Nhận dạng tiếng nói các bản ghi thành văn bản; chạy lại sẽ tiếp tục phần còn dở (resumable).

    Tệp đã xong (cùng nội dung SHA-256 và cùng cấu hình) được bỏ qua; kết quả từng tệp ghi trong OUT/report.json.
    """
    # The speech stack is heavy: imported only when transcribing, so --help and `models` answer at once.
    from pydantic import ValidationError

    from asr.factory import check_engine_allowed
    from cli.progress import BatchProgress, summary_table
    from workers.batch import REPORT_NAME, BatchOptions, discover, run_batch
    from workers.options import PipelineOptions

    check_engine_allowed(engine, get_settings().asr)
    try:
        run = PipelineOptions(
            engine=cast("EngineName | None", engine),  # checked by `_engine`
            model=model,
            language=language or get_settings().asr.language,
            hotwords=_split(hotwords),
            glossary=read_glossary(glossary),
            diarize=diarize,
            num_speakers=num_speakers,
            min_speakers=min_speakers,
            max_speakers=max_speakers,
            written_form=written_form,
        )
    except ValidationError as exc:
        raise InvalidInputError(_problems(exc)) from None
    options = BatchOptions(run=run, formats=_split(formats.lower()), workers=workers, force=force)
    if diarize:
        # enrolled voices name the speakers: a fresh machine's database has no tables until it is migrated
        from cli.database import migrated_url

        migrated_url()
    with err_console.status("Đang tìm các tệp ghi âm… (scanning)"):
        jobs = discover(paths, out)
    err_console.print(f"Tìm thấy {len(jobs)} tệp; kết quả vào {escape(str(out))}")
    with BatchProgress(jobs, err_console) as progress:
        report = run_batch(jobs, out, options, listener=progress)
    console.print(summary_table(report))
    console.print(f"Báo cáo (report): {escape(str(Path(report.out_dir) / REPORT_NAME))}")
    code = _exit_code(report)
    if report.interrupted:
        err_console.print("[yellow]Đã dừng. Chạy lại cùng lệnh để tiếp tục phần còn lại (run again to resume).[/]")
    elif code:
        err_console.print(f"[bold red]{len(report.failed)} tệp bị lỗi[/] (xem report.json).")
    raise typer.Exit(code)


def _exit_code(report: BatchReport) -> int:
    """130 when interrupted; the failures' common exit code (or 1 when they differ); 0 when all went well."""
    if report.interrupted:
        return INTERRUPTED_EXIT
    codes = {f.exit_code or 1 for f in report.failed}
    if not codes:
        return 0
    return codes.pop() if len(codes) == 1 else 1


@models_app.command("list")
@one_line_errors
def models_list() -> None:
    """Liệt kê các mô hình, nguồn gốc của chúng và mô hình nào đã có trong bộ nhớ đệm (cached).

    Với GOBANG_ASR__VERIFIED_MODELS_ONLY=true, mô hình có nguồn gốc chưa kiểm chứng bị từ chối.
    """
    verified_only = get_settings().asr.verified_models_only
    table = Table(title="Mô hình (models)")
    specs = list_models()
    # Names are typed back on the command line: they stay whole, the other columns fold.
    table.add_column("Tên (name)", no_wrap=True, min_width=max(len(spec.name) for spec in specs))
    for column in ("Engine", "Giấy phép", "Có sẵn", "Nguồn gốc"):
        table.add_column(column, overflow="fold")
    notes = []
    for spec in specs:
        refused = verified_only and not spec.provenance.verified
        trust = Text("đã kiểm chứng", "green") if spec.provenance.verified else Text("chưa kiểm chứng", "yellow")
        if refused:
            trust.append(" (bị từ chối)", "bold red")
        cached = "[green]có[/]" if is_cached(spec.name) else "chưa"
        table.add_row(spec.name, spec.engine, spec.licence, cached, trust)
        notes.append(
            Text.assemble(
                (spec.name, "bold"),
                f": {spec.description}.\n  Nguồn (source): {spec.provenance.source}."
                f"\n  Gốc (origin): {spec.provenance.origin}.",
                ("\n  Bị từ chối: chỉ cho phép mô hình đã kiểm chứng (GOBANG_ASR__VERIFIED_MODELS_ONLY)", "bold red")
                if refused
                else "",
            )
        )
    console.print(table)
    console.print(*notes, sep="\n")


@models_app.command("verify")
@one_line_errors
def models_verify(
    names: Annotated[
        list[str] | None, typer.Argument(help="Tên mô hình; bỏ trống để kiểm tra tất cả (all models).")
    ] = None,
) -> None:
    """Dựng mô hình vào bộ nhớ đệm nếu chưa có và tính lại checksum SHA-256; lỗi thì thoát mã khác 0."""
    known = [spec.name for spec in list_models()]
    for name in names or []:
        if name not in known:
            raise NotFoundError(f"không có mô hình '{name}' (unknown model; known: {', '.join(known)})")
    table = Table(title="Kiểm tra mô hình (verify)")
    table.add_column("Tên (name)", no_wrap=True)
    table.add_column("Kết quả")
    table.add_column("Chi tiết", overflow="fold")
    failed = []
    for name in names or known:
        with err_console.status(f"Đang kiểm tra {name}… (verifying)"):
            ok, detail = verify(name)
        table.add_row(name, "[green]đúng[/]" if ok else "[bold red]sai[/]", escape(detail))
        if not ok:
            failed.append(name)
    console.print(table)
    if failed:
        err_console.print(f"[bold red]Lỗi ({ModelError.title}):[/] mô hình hỏng hoặc thiếu: {', '.join(failed)}")
        raise typer.Exit(ModelError.exit_code)
