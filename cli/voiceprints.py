"""`gobang voiceprints enroll|list|delete|assign|calibrate`: the people whose voices diarization names, and the
voice-login threshold measured on the people enrolled for login.

An enrolment names a person and gives stretches of their speech: whole files or spans of a
recording written ``FILE@START-END`` (seconds, ``mm:ss`` or ``hh:mm:ss``), so a clerk can enrol a
delegate from the session where they spoke. The store is the one diarization and voice login
read: the service database (`GOBANG_DATABASE_URL`). A person belongs to an organisation unit (`--org`) and is
recognised only in that unit's recordings; every change is written to the service's audit log.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cli.errors import err_console, one_line_errors
from core.errors import InvalidInputError
from core.text import nfc

if TYPE_CHECKING:
    from diarization.calibration import PopulationCalibration
    from diarization.voiceprints import AudioSegment, VoiceprintStore

console = Console()

voiceprints_app = typer.Typer(
    help="Giọng nói đã ghi danh: ghi danh, liệt kê, xóa (voiceprints of known speakers).", no_args_is_help=True
)


def parse_clock(text: str) -> float:
    """Seconds from ``75.5``, ``1:15.5`` or ``0:01:15.5``."""
    parts = text.strip().split(":")
    if not 1 <= len(parts) <= 3:
        raise ValueError(text)
    seconds = 0.0
    for part in parts:
        value = float(part)
        if value < 0:
            raise ValueError(text)
        seconds = seconds * 60 + value
    return seconds


def parse_source(text: str) -> AudioSegment:
    """``FILE`` or ``FILE@START-END`` -> a whole file or (file, start, end); an existing file named ``a@b`` wins."""
    path, at, span = text.rpartition("@")
    if not at or Path(text).exists():
        return Path(text)
    start_text, _, end_text = span.partition("-")
    try:
        start, end = parse_clock(start_text), parse_clock(end_text)
    except ValueError:
        raise InvalidInputError(
            f"đoạn '{span}' không đúng dạng BẮT_ĐẦU-KẾT_THÚC, ví dụ 2:00-3:05.5 (expected START-END)"
        ) from None
    if end <= start:
        raise InvalidInputError(f"đoạn '{span}' phải có KẾT_THÚC sau BẮT_ĐẦU (END must follow START)")
    return (Path(path), start, end)


Org = Annotated[
    str | None,
    typer.Option(
        "--org", help='Đơn vị của người đó, ví dụ "Ủy ban Pháp luật"; bỏ trống: không đơn vị (organisation unit).'
    ),
]


def _unit_id(org: str | None) -> int | None:
    if org is None:
        return None
    from accounts import get_org_unit
    from cli.database import database

    with database() as db:
        return get_org_unit(db, org).id


def _store(org_unit_id: int | None = None) -> VoiceprintStore:
    """The service's voiceprints (in its database, migrated first), confined to one unit."""
    from cli.database import cli_actor, migrated_url
    from core.settings import get_settings
    from diarization import VoiceprintStore

    threshold = get_settings().diarization.voiceprint_threshold
    return VoiceprintStore(migrated_url(), threshold=threshold, org_unit_id=org_unit_id, actor=cli_actor())


def _audit(action: str, name: str, **detail: object) -> None:
    """Voiceprints are biometric data: changes made here are in the service's audit log, as the API's are."""
    from cli.database import cli_actor, database
    from core.audit import record

    with database() as db:
        record(db, cli_actor(), action, f"voiceprint:{name}", **detail)


@voiceprints_app.command("enroll")
@one_line_errors
def enroll(
    name: Annotated[str, typer.Argument(help='Tên người nói, ví dụ "Đại biểu Nguyễn Văn A".')],
    sources: Annotated[
        list[str],
        typer.Argument(
            help="Tệp ghi âm giọng người đó, cả tệp hoặc một đoạn TỆP@BẮT_ĐẦU-KẾT_THÚC, ví dụ phien1.mp3@2:00-3:05."
        ),
    ],
    org: Org = None,
) -> None:
    """Ghi danh giọng nói của một người; ghi danh lại cùng tên thì bổ sung thêm mẫu giọng (enrol a voice).
    Người đó chỉ được nhận ra trong bản ghi của đơn vị mình (only in their unit's recordings)."""
    segments = [parse_source(source) for source in sources]
    unit = _unit_id(org)
    with err_console.status("Đang tính đặc trưng giọng nói… (embedding)"):
        voiceprint = _store(unit).enroll(nfc(name), segments)
    _audit("voiceprint.enrol", voiceprint.name, org_unit_id=unit, sources=len(segments))
    console.print(
        f"Đã ghi danh [bold]{escape(voiceprint.name)}[/]: {voiceprint.segments} mẫu, {voiceprint.seconds:.1f} s "
        f"({escape(voiceprint.model_id)})"
    )


@voiceprints_app.command("list")
@one_line_errors
def list_voiceprints(
    org: Annotated[str | None, typer.Option("--org", help="Chỉ người của đơn vị này (only this unit).")] = None,
) -> None:
    """Liệt kê những người đã ghi danh giọng nói, mọi đơn vị (list enrolled people of every unit)."""
    store = _store(_unit_id(org))
    table = Table(title="Giọng nói đã ghi danh (enrolled voices)")
    table.add_column("Tên (name)", no_wrap=True)  # names are typed back in `delete`: keep them whole
    for column in ("Đơn vị (unit id)", "Số mẫu", "Thời lượng (s)", "Mô hình (model)", "Ngày ghi danh"):
        table.add_column(column, overflow="fold")
    for voiceprint in store.list(every_unit=org is None):
        table.add_row(
            escape(voiceprint.name),
            str(voiceprint.org_unit_id or "—"),
            str(voiceprint.segments),
            f"{voiceprint.seconds:.1f}",
            escape(voiceprint.model_id),
            voiceprint.created_at[:19].replace("T", " "),
        )
    console.print(table)


@voiceprints_app.command("calibrate")
@one_line_errors
def calibrate_login(
    far: Annotated[
        float, typer.Option("--far", min=1e-6, max=0.5, help="Tỉ lệ chấp nhận nhầm mong muốn (target FAR).")
    ] = 0.001,
) -> None:
    """Đo FAR/FRR của đăng nhập bằng giọng nói trên chính những người đã ghi danh, đề xuất ngưỡng cho FAR đã chọn,
    trên đúng điểm đăng nhập dùng: điểm gộp CAM++ + SE-Res2Net cho giọng ghi danh cả hai mô hình, CAM++ cho giọng
    ghi danh trước đó (calibrate the voice-login thresholds on the enrolled population, on the login's scores)."""
    from core.settings import get_settings
    from diarization.calibration import calibrate_login as calibrate
    from diarization.verification import login_fusion

    voice = get_settings().voice
    fusion, store = login_fusion(voice), _store()
    with err_console.status("Đang tính điểm các cặp giọng… (scoring trials)"):
        second = {} if fusion is None else store.embeddings(fusion.embedder.model_id, accounts=True)
        result = calibrate(
            store.embeddings(accounts=True), second, fusion=fusion, target_far=far, threshold=voice.threshold
        )
    if result.fused is not None and fusion is not None:
        _show_calibration(
            result.fused,
            far,
            f"Điểm gộp CAM++ + SE-Res2Net (trọng số {fusion.weight:g}), {result.both} người ghi danh cả hai mô hình",
            fusion.threshold,
            "GOBANG_VOICE__FUSION_THRESHOLD",
        )
    elif result.both:
        err_console.print(
            f"[yellow]Chỉ {result.both} người ghi danh cả hai mô hình: chưa đủ để hiệu chỉnh điểm gộp; cần ít nhất 2 "
            "(too few people enrolled with both models to calibrate the fused score)[/]"
        )
    if result.alone is not None:
        _show_calibration(
            result.alone,
            far,
            f"CAM++, {result.alone.people} người đã ghi danh"
            if fusion is None
            else f"CAM++ riêng, {result.alone.people} người ghi danh trước khi gộp điểm (đăng nhập bằng điểm CAM++; "
            "ghi danh lại để được điểm gộp)",
            voice.threshold,
            "GOBANG_VOICE__THRESHOLD",
        )


def _show_calibration(result: PopulationCalibration, far: float, title: str, configured: float, variable: str) -> None:
    """One score's FAR/FRR curve, its EER and the threshold proposed for `far`, with its measured FRR."""
    c = result.calibration
    table = Table(title=f"{title}: FAR/FRR trên {result.genuine} + {result.impostor} cặp")
    for column in ("Ngưỡng (threshold)", "Chấp nhận nhầm (FAR %)", "Từ chối nhầm (FRR %)", ""):
        table.add_column(column)
    for threshold, far_at, frr_at in result.curve:
        mark = "đề xuất" if threshold == round(c.threshold, 3) else "đang dùng" if threshold == configured else ""
        table.add_row(f"{threshold:.3f}", f"{100 * far_at:.2f}", f"{100 * frr_at:.2f}", mark)
    console.print(table)
    console.print(f"EER {100 * c.eer:.2f}% (ngưỡng {c.eer_threshold:.3f})")
    console.print(
        f"Ngưỡng đề xuất cho FAR ≤ {100 * far:g}%: [bold]{c.threshold:.3f}[/] — FAR {100 * c.far:.2f}%, "
        f"FRR {100 * c.frr:.2f}%; đặt {variable}={c.threshold:.3f} (proposed threshold)"
    )
    if far < result.smallest_far:
        err_console.print(
            f"[yellow]Chỉ có {result.impostor} cặp khác người: FAR nhỏ hơn {100 * result.smallest_far:.2f}% "
            "không đo được, ngưỡng đề xuất chỉ là 'trên mọi cặp khác người'; hãy ghi danh thêm người "
            "(too few impostor trials to measure this FAR)[/]"
        )


@voiceprints_app.command("delete")
@one_line_errors
def delete(
    name: Annotated[str, typer.Argument(help="Tên người cần xóa giọng nói.")],
    org: Org = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Không hỏi lại (do not ask).")] = False,
) -> None:
    """Xóa giọng nói đã ghi danh của một người, cùng mọi mẫu giọng (forget a person's voice)."""
    if not yes:
        typer.confirm(f"Xóa giọng nói của '{nfc(name)}'?", abort=True)
    unit = _unit_id(org)
    _store(unit).delete(name)
    _audit("voiceprint.delete", nfc(name).strip(), org_unit_id=unit)
    console.print(f"Đã xóa giọng nói của [bold]{escape(nfc(name))}[/].")


@voiceprints_app.command("assign")
@one_line_errors
def assign(
    name: Annotated[str, typer.Argument(help="Tên người cần chuyển đơn vị.")],
    to: Annotated[str, typer.Option("--to", help="Đơn vị mới (the unit to move them to).")],
    org: Annotated[
        str | None, typer.Option("--org", help="Đơn vị hiện tại; bỏ trống: không đơn vị (current unit).")
    ] = None,
) -> None:
    """Chuyển một người đã ghi danh sang đơn vị khác, ví dụ người ghi danh trước khi có đơn vị (move to a unit)."""
    source, target = _unit_id(org), _unit_id(to)
    moved = _store(source).assign(name, target)
    _audit("voiceprint.assign", moved.name, org_unit_id=[source, target])
    console.print(f"Đã chuyển [bold]{escape(moved.name)}[/] sang đơn vị {target}.")
